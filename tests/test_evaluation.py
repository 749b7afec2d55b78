"""retrieval.evaluation: the metrics ``policybot eval`` and the development set report."""
from __future__ import annotations

from retrieval.evaluation import evaluate


class Recording:
    """A service that notes which questions it was asked (and answers them through the real one)."""

    def __init__(self, service) -> None:
        self.service, self.asked = service, []

    @property
    def answerer(self):
        return self.service.answerer

    def search(self, question, k=5, context=()):
        return self.service.search(question, k, context=context)

    def ask(self, question, use_llm=False, context=()):
        self.asked.append(question)
        return self.service.ask(question, use_llm=use_llm, context=context)


def test_each_question_can_be_asked_of_its_own_documents_corpus(service):
    # benchmarks/devset/run.py --alone: one corpus per document, each question asked of its own.
    document = service.measures()[0].document
    rows = [{"q": "临床医学研究中心由哪个部门负责?", "doc": document, "gold": ["三(四)"]},
            {"q": "深圳市最低工资标准是多少?", "doc": "another-document", "gold": []}]
    own, other = Recording(service), Recording(service)
    result = evaluate(None, rows, service_for=lambda row: own if row["doc"] == document else other)
    assert own.asked == [rows[0]["q"]] and other.asked == [rows[1]["q"]]
    assert result["all"]["n"]["hit@1"] == 1 and result["all"]["n"]["abstain_right"] == 1
    assert result["all"]["hit@1"] == 1.0 and result["all"]["abstain_right"] == 1.0


def test_a_yes_no_answer_is_scored_by_what_it_says_first():
    # "facts present" cannot tell a wrong "是": 不 and 可以 stand in nearly every quote.
    from retrieval.evaluation import expected_yes_or_no, said_yes_or_no

    assert expected_yes_or_no([["是", "能", "可以", "yes"]]) is True
    assert expected_yes_or_no([["否", "不", "no"], ["无需公示"]]) is False
    assert expected_yes_or_no([["8万元", "80000"]]) is None
    assert said_yes_or_no("是。依据《某办法》第五条:") is True
    assert said_yes_or_no("No — according to measure 第五条 of 《X》:") is False
    assert said_yes_or_no("文件没有直接说明这一点,相关规定见第五条。") is None


def test_a_refusal_missed_tells_whether_the_answer_came_from_the_questions_own_document(service):
    # Gold [] is about the question's own document: an answer from another one may well be right.
    document = service.measures()[0].document
    question = "临床医学研究中心由哪个部门负责?"
    own = evaluate(service, [{"q": question, "doc": document, "gold": []}])["all"]
    other = evaluate(service, [{"q": question, "doc": "another-city-plan", "gold": []}])["all"]
    assert own["abstain_right"] == 0.0 and own["answered_elsewhere"] == 0.0
    assert other["abstain_right"] == 0.0 and other["answered_elsewhere"] == 1.0

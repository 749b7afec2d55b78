"""One question, one snapshot: answers stay whole while reloads remove and rename measures under them."""
from __future__ import annotations

import threading

from retrieval.service import build_service
from tests.conftest import make_settings

PLAN_A = """临江市促进就业若干措施
一、稳定就业岗位
（一）对吸纳高校毕业生就业的企业，按每人1000元给予一次性补贴。（责任单位：市人力资源社会保障局）
（二）对开展以工代训的企业，按每人每月500元给予补贴，最长6个月。（责任单位：市财政局）
二、支持创业
（一）首次创业的，给予5000元一次性创业补贴。（责任单位：市人力资源社会保障局）
（二）创业担保贷款最高30万元，财政全额贴息。（责任单位：市财政局、人民银行临江市中心支行）
"""
# The same measures under other ids, one removed, one new: every id the first version had is gone.
PLAN_B = """临江市促进就业若干措施
一、支持创业
（一）首次创业的，给予5000元一次性创业补贴。（责任单位：市人力资源社会保障局）
（二）创业担保贷款最高30万元，财政全额贴息。（责任单位：市财政局、人民银行临江市中心支行）
（三）返乡入乡创业项目给予最高10万元资助。（责任单位：市农业农村局）
二、稳定就业岗位
（一）对吸纳高校毕业生就业的企业，按每人1000元给予一次性补贴。（责任单位：市人力资源社会保障局）
"""
QUESTIONS = ("吸纳高校毕业生的企业每人补贴多少?", "创业担保贷款由哪个部门负责?", "Who handles start-up loans?",
             "以工代训补贴最长多久?", "返乡创业有什么资助?", "二(一)讲了什么?")


def test_answers_hold_while_reloads_rename_and_remove_ids(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "plan.txt"
    doc.write_text(PLAN_A, encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    service.index.snapshot()
    errors: list[BaseException] = []
    answers = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            for question in QUESTIONS:
                try:
                    answers.append(service.ask(question))
                except BaseException as exc:  # noqa: BLE001 - any error is the failure under test
                    errors.append(exc)

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for thread in askers:
        thread.start()
    try:
        for round_ in range(6):
            doc.write_text(PLAN_B if round_ % 2 == 0 else PLAN_A, encoding="utf-8")
            service.reload()
    finally:
        stop.set()
        for thread in askers:
            thread.join()
    assert errors == []
    assert len(answers) >= len(QUESTIONS)
    for answer in answers:
        # Every citation is a measure of the version the answer was built from.
        assert all(c.quote and c.section for c in answer.citations)

"""A document's own place in the vectors: read as 本市 / 本区, so which city it is moves no measure."""
from __future__ import annotations

import pytest

from retrieval.models import Measure
from retrieval.text.places import neutral, neutral_names, own_word, place_variants, without_names
from tests.conftest import DALIAN, make_settings


def test_variants_and_their_neutral_words():
    assert place_variants("广州市天河区") == ("广州市天河区", "广州市", "广州", "天河区", "天河")
    assert neutral_names("广州市天河区") == {"广州市": "本市", "广州": "本市", "天河区": "本区", "天河": "本区",
                                             "广州市天河区": "本区"}
    assert own_word("某某县") == "本县" and own_word("全国") == "" and neutral_names("全国") == {}


def test_the_longest_name_is_replaced_first():
    names = neutral_names("广州市天河区")
    assert neutral("广州市天河区人民政府和广州市财政局", names) == "本区人民政府和本市财政局"
    assert neutral("不提地名的句子", names) == "不提地名的句子"


def test_a_questions_place_names_are_taken_out_chinese_and_english_as_words_only():
    names = ["广州市", "广州", "Guangzhou"]
    assert without_names("广州市的育儿补贴有多少？", names) == "的育儿补贴有多少？"
    assert without_names("What does Guangzhou's plan give? guangzhou", names) == "What does plan give?"
    assert without_names("Guangzhouese food", names) == "Guangzhouese food"


def test_a_measures_vector_text_reads_its_own_place_neutrally_and_its_words_keep_it():
    measure = Measure("d", "《琅屿市科技措施》", "一", "一、总则", "", "贯彻落实《琅屿市科技条例》，支持琅屿企业。",
                      units=("琅屿市科技局",), place="琅屿市")
    assert "琅屿" not in measure.embedding_text and "本市科技局" in measure.embedding_text
    assert "琅屿市科技局" in measure.retrieval_text and measure.retrieval_text.endswith("琅屿市")


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory, embedder):
    """The seed as written, and with its city written as another (as an admin's next city would be)."""
    from retrieval.service import build_service

    services = []
    for city in ("大连", "琅屿"):
        root = tmp_path_factory.mktemp(f"city-{city}")
        corpus = root / "corpus"
        corpus.mkdir()
        for source in DALIAN.parent.glob(DALIAN.stem + ".*"):  # the plan and its sidecar (title, place)
            (corpus / source.name).write_text(source.read_text(encoding="utf-8").replace("大连", city), encoding="utf-8")
        service = build_service(make_settings(root, corpus=corpus), embedder=embedder, llm=None)
        service.reload()
        services.append(service)
    return services


def closeness(service, question: str) -> dict[str, tuple[float, float]]:
    """Each measure found → its vector's and its closest sentence's cosine with the question."""
    return {h.measure.section: (h.signals["cosine"], h.signals["sentence"]) for h in service.search(question, 10)
            if h.signals["cosine"]}


@pytest.mark.parametrize("question", ["临床医学研究中心由哪个部门负责?", "How many new city-level R&D platforms are planned?",
                                      "中小微企业的一般性研发项目怎么获得支持?"])
def test_renaming_the_city_moves_no_vector(two_cities, question):
    plain, renamed = two_cities
    assert plain.index.snapshot().measures[0].place == "大连市" and renamed.index.snapshot().measures[0].place == "琅屿市"
    assert closeness(plain, question) == closeness(renamed, question)


def test_a_question_naming_the_city_is_read_as_naming_its_own(two_cities):
    plain, renamed = two_cities
    assert closeness(plain, "大连市2018年新增多少家市级以上科技研发平台?") == \
        closeness(renamed, "琅屿市2018年新增多少家市级以上科技研发平台?")
    assert closeness(plain, "How many R&D platforms will Dalian add in 2018?") == \
        closeness(renamed, "How many R&D platforms will Langyu add in 2018?")

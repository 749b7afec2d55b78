"""The policybot command line, driven in-process through click's runner on a temp data folder."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import DALIAN, seed_cache


@pytest.fixture(scope="module")
def folders(tmp_path_factory, service):
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    seed_cache(service.settings.data_dir, root / "data")  # the session's vectors: nothing re-embedded
    return ["--corpus", str(corpus), "--data", str(root / "data")]


def run(folders, *args, input=None):
    result = CliRunner().invoke(cli, [*folders, *args], input=input, catch_exceptions=False)
    return result


def test_measures_lists_all_51_with_ids_and_units(folders):
    result = run(folders, "measures", "--json")
    assert result.exit_code == 0, result.output
    measures = json.loads(result.output)
    assert len(measures) == 51
    by_section = {m["section"]: m for m in measures}
    assert by_section["三(四)"]["units"] == ["市科技局", "市卫生计生委"]
    assert by_section["六(七)"]["units"] == []
    assert {"document", "section", "heading", "units", "text"} <= set(measures[0])


def test_measures_of_one_unit(folders):
    measures = json.loads(run(folders, "measures", "--unit", "市金融局", "--json").output)
    assert [m["section"] for m in measures] == ["四(一)2", "五(二)2"]


def test_show_gives_units_and_document(folders):
    result = run(folders, "show", "三(四)")
    assert result.exit_code == 0
    assert "市科技局、市卫生计生委" in result.output and DALIAN.stem in result.output
    assert "未指定" in run(folders, "show", "六(七)").output


def test_show_unknown_section_is_a_clear_error(folders):
    result = run(folders, "show", "九(九)")
    assert result.exit_code == 1 and "no measure 九(九)" in result.output


def test_search_batch_from_stdin_keeps_order(folders):
    result = run(folders, "search", "--batch", "-", "--json", "-k", "3", input="临床医学研究中心\n\ninnovation voucher\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["临床医学研究中心", "innovation voucher"]
    assert lines[0]["results"][0]["section"] == "三(四)" and len(lines[0]["results"]) == 3
    assert set(lines[0]["results"][0]) == {"document", "section", "score", "units", "text"}


def test_ask_json_contract(folders):
    data = json.loads(run(folders, "ask", "Which bureau handles clinical research centres?", "--json").output)
    assert data["mode"] == "offline" and data["language"] == "en" and data["answerable"] is True
    assert data["citations"][0]["section"] == "三(四)"
    assert data["units"][:2] == ["市科技局", "市卫生计生委"]


def test_ask_batch_reports_bad_lines_and_goes_on(folders, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("临床医学研究中心由哪个部门负责?\n" + "长" * 1200 + "\n大连市最低工资标准是多少?\n", encoding="utf-8")
    lines = [json.loads(x) for x in run(folders, "ask", "--batch", str(questions), "--json").output.splitlines()]
    assert len(lines) == 3
    assert lines[0]["citations"][0]["section"] == "三(四)"
    assert "limit" in lines[1]["error"]
    assert lines[2]["answerable"] is False


def test_ingest_twice_embeds_nothing_the_second_time(folders):
    run(folders, "ingest", "--json")
    report = json.loads(run(folders, "ingest", "--json").output)
    assert report["embedded"] == 0 and report["measures"] == 51


def test_support_lists_tagged_measures(folders):
    items = json.loads(run(folders, "support", "--json").output)
    by_section = {i["section"]: i for i in items}
    assert "voucher" in by_section["四(四)"]["support"]
    assert "最高2000万元" in " ".join(by_section["三(五)"]["figures"])


def test_eval_reports_metrics_per_language(folders, tmp_path):
    rows = [{"id": "a", "lang": "zh", "q": "临床医学研究中心由哪个部门负责?", "gold": ["三(四)"], "units": ["市科技局"]},
            {"id": "b", "lang": "en", "q": "How large is the subsidy for hydrogen stations?", "gold": []}]
    path = tmp_path / "eval.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = json.loads(run(folders, "eval", str(path)).output)
    assert result["zh"]["hit@1"] == 1.0 and result["zh"]["units_named"] == 1.0
    assert result["en"]["abstain_right"] == 1.0


def test_missing_config_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.yaml"), "measures"])
    assert result.exit_code != 0 and "config file not found" in result.output


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["--corpus", str(tmp_path / "nope"), "--data", str(tmp_path / "d"), "measures"])
    assert result.exit_code == 1 and "does not exist" in result.output

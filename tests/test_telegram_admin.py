"""Admin features end to end through PTB and the fake Bot API: /reload with its diff, document upload
(preview, confirm, cancel, broken files), /status, and refusals of non-admins and forged buttons."""
from __future__ import annotations

import logging
import re

import pytest

from tests.fake_bot_api import BotDriver, FakeBotAPI, button_data

ADMIN, OTHER_ADMIN, USER = 42, 43, 5
HYDROGEN = """某市促进氢能产业发展若干措施
一、支持技术研发
(一)支持氢能关键技术攻关。
对承担氢能关键技术攻关项目的企业给予最高500万元补助。(责任单位:市科技局)
(二)支持加氢站建设。
对新建加氢站给予建设补贴。(责任单位:市发展改革委、市财政局)
二、培育市场主体
(一)支持氢能企业上市融资。(责任单位:市金融局)
""".encode("utf-8")


@pytest.fixture
def api():
    with FakeBotAPI() as fake:
        yield fake


def driver(api, service, **kw):
    return BotDriver(api, service.settings, service, telegram={"admins": [ADMIN, OTHER_ADMIN]}, **kw)


async def say(bot, api, text=None, user_id=ADMIN, **kw) -> list:
    before = len(api.sent())
    await bot.process(api.message(text, user_id=user_id, **kw))
    return api.sent()[before:]


async def upload(bot, api, data: bytes, name: str, user_id=ADMIN, language="en", **document) -> list:
    document = api.add_file(f"f{len(api.files)}", data, name) | document
    return await say(bot, api, None, user_id=user_id, language=language, document=document)


def corpus_files(service) -> list[str]:
    return sorted(p.name for p in service.settings.corpus_dir.iterdir())


async def test_reload_replies_with_added_changed_and_removed(api, fresh_service):
    path = fresh_service.settings.corpus_dir / "dalian-2018-science-technology-work-plan.txt"
    text = path.read_text(encoding="utf-8")
    text = text.replace("组织开展临床医学研究中心认定及补助", "组织开展临床医学研究中心认定及年度补助")  # changes 三(四)
    text = text.replace("3.配合市有关部门,积极推进国家实验室等的承载、规划和建设工作。(责任单位:高新区管委会)\n", "")
    text = text.replace("四、", "(九)支持新型研发机构建设。\n对新型研发机构给予补助。(责任单位:市科技局)\n四、", 1)
    path.write_text(text, encoding="utf-8")
    async with driver(api, fresh_service, typing_delay=0) as bot:
        [sent] = await say(bot, api, "/reload", language="en")
        assert api.recorded("sendChatAction", action="typing")
        [unchanged] = await say(bot, api, "/reload", language="zh")
    report = sent.params["text"]
    assert "Index version 2: 51 measures" in report
    assert "added (1): 三(九)" in report and "changed (1): 三(四)" in report and "removed (1): 三(二)3" in report
    assert "与上一版本相比没有变化" in unchanged.params["text"]
    assert [m.section for m in fresh_service.section("三(九)")] == ["三(九)"]


async def test_non_admins_are_refused_and_logged(api, service, caplog):
    version = service.about().version
    async with driver(api, service) as bot:
        for command in ("/reload", "/status"):
            [sent] = await say(bot, api, command, user_id=USER, language="zh")
            assert sent.params["text"] == "抱歉,此操作仅限管理员。"
        [sent] = await upload(bot, api, HYDROGEN, "hydrogen.txt", user_id=USER)
        assert sent.params["text"] == "Sorry, only administrators can do that."
    assert not api.recorded("getFile") and service.about().version == version
    refusals = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "refused" in r.getMessage()]
    assert len(refusals) == 3 and all(f"user {USER}" in m for m in refusals)
    assert "tried /reload" in refusals[0] and "document upload" in refusals[2]


async def test_status_for_admins(api, service):
    async with driver(api, service) as bot:
        await say(bot, api, "Which bureau handles clinical research centres?", user_id=USER)
        [sent] = await say(bot, api, "/status")
    text = sent.params["text"]
    assert "Corpus version 1: 1 documents, 51 measures" in text and "Questions 1" in text
    assert "Updates via: polling" in text and "Limit: 10 questions per user per minute" in text


async def test_valid_upload_is_previewed_then_added_only_after_confirm(api, fresh_service):
    async with driver(api, fresh_service) as bot:
        [preview] = await upload(bot, api, HYDROGEN, "hydrogen-2024.txt", language="zh")
        text = preview.params["text"]
        assert "<b>某市促进氢能产业发展若干措施</b>" in text and "找到 3 项措施(一(一), 一(二), 二(一))" in text
        assert "市科技局 (1)" in text and "市金融局 (1)" in text
        assert api.recorded("getFile") and api.recorded("download")
        assert corpus_files(fresh_service) == ["dalian-2018-science-technology-work-plan.txt"]  # not yet
        confirm, cancel = button_data(preview)
        assert confirm.startswith("up|") and confirm.endswith("|y") and cancel.endswith("|n")
        await bot.process(api.callback(confirm, user_id=ADMIN, message=api.bot_message(preview), language="zh"))
        assert api.recorded("editMessageReplyMarkup")  # the buttons are gone: no double add
        diff = api.sent()[-1].params["text"]
        assert "索引版本 2" in diff and "新增 (3): 一(一), 一(二), 二(一)" in diff
        assert "hydrogen-2024.txt" in corpus_files(fresh_service)
        await bot.process(api.callback(confirm, user_id=ADMIN, message=api.bot_message(preview)))
        assert api.recorded("answerCallbackQuery")[-1].params["text"] == "This button has expired; please ask again."
        [answer] = await say(bot, api, "加氢站建设由哪个部门负责?", user_id=USER)
    assert "<b>市发展改革委</b>" in answer.params["text"] and "一(二)" in answer.params["text"]


async def test_forged_and_foreign_confirms_are_refused_then_cancel_changes_nothing(api, fresh_service, caplog):
    async with driver(api, fresh_service) as bot:
        [preview] = await upload(bot, api, HYDROGEN, "hydrogen.txt")
        confirm, cancel = button_data(preview)
        message = api.bot_message(preview)
        await bot.process(api.callback(confirm, user_id=USER, message=message))  # a non-admin forges the button
        await bot.process(api.callback(confirm, user_id=OTHER_ADMIN, message=message))  # not their upload
        await bot.process(api.callback("up|made-up-token|y", user_id=ADMIN, message=message))
        answers = [c.params.get("text") for c in api.recorded("answerCallbackQuery")]
        assert answers == ["Sorry, only administrators can do that.", "This upload was not started by you.",
                           "This button has expired; please ask again."]
        assert corpus_files(fresh_service) == ["dalian-2018-science-technology-work-plan.txt"]
        await bot.process(api.callback(cancel, user_id=ADMIN, message=message))
        [edited] = api.recorded("editMessageText")
        assert edited.params["text"] == "Cancelled; nothing was changed."
        await bot.process(api.callback(confirm, user_id=ADMIN, message=message))  # too late
    assert corpus_files(fresh_service) == ["dalian-2018-science-technology-work-plan.txt"]
    assert fresh_service.about().version == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"non-admin user {USER} pressed an upload button" in w for w in warnings)
    assert any(f"admin {OTHER_ADMIN} pressed the upload button of admin {ADMIN}" in w for w in warnings)


@pytest.mark.parametrize("data,name,size,expected,downloads", [
    (b"hello world, nothing to cite here", "notes.txt", None, "no numbered measures", True),
    (b"", "empty.md", None, "the file is empty", True),
    (b"\x00\x01\x02" * 100, "binary.pdf", None, "This file cannot be used", True),
    (b"MZ\x90\x00", "setup.exe", None, "Unsupported file type setup.exe", False),
    (HYDROGEN, "big.txt", 21 * 1024 * 1024, "The file is too large (21.0 MB; the limit is 20 MB)", False),
])
async def test_broken_uploads_are_refused_with_the_reason_and_change_nothing(api, service, data, name, size,
                                                                             expected, downloads):
    before = (corpus_files(service), service.about().version)
    async with driver(api, service) as bot:
        [sent] = await upload(bot, api, data, name, **({"file_size": size} if size else {}))
    assert expected in sent.params["text"] and not button_data(sent)
    if downloads:
        assert "Nothing was changed." in sent.params["text"]
    assert bool(api.recorded("getFile")) == downloads
    assert (corpus_files(service), service.about().version) == before
    assert not re.search(r"<(?!/?b>|/?i>)", sent.params["text"])  # only our own tags; the reason is escaped


async def test_report_shows_questions_and_what_went_unanswered(api, service, tmp_path):
    from retrieval.audit import AuditLog

    audit = AuditLog(f"sqlite:///{tmp_path / 'audit.sqlite'}", retention_days=30)
    async with BotDriver(api, service.settings, service, telegram={"admins": [ADMIN]}, audit=audit) as bot:
        await say(bot, api, "Which bureau handles clinical research centres?", user_id=USER)
        await say(bot, api, "大连市最低工资标准是多少?", user_id=USER)
        [refused] = await say(bot, api, "/report", user_id=USER)
        [sent] = await say(bot, api, "/report 7")
    assert "only administrators" in refused.params["text"]
    text = sent.params["text"]
    assert "2" in text and "大连市最低工资标准是多少" in text
    assert audit.report(audit.now().replace(year=2000)).total == 2


async def test_report_without_audit_log_says_so(api, service):
    async with driver(api, service) as bot:
        [sent] = await say(bot, api, "/report")
    assert "audit log is off" in sent.params["text"]


async def test_an_old_word_file_uploaded_by_an_admin_is_previewed_with_its_measures(api, fresh_service):
    """A .doc (Word 97–2003, as many sites still publish) goes through the same preview as any file."""
    from pathlib import Path

    data = (Path(__file__).parent / "fixtures" / "sample-measures.doc").read_bytes()
    async with driver(api, fresh_service) as bot:
        [preview] = await upload(bot, api, data, "water-2025.doc")
        text = preview.params["text"]
        assert "示例县关于支持农村供水的若干措施" in text and "一(一), 一(二), 二(一), 二(二)" in text
        assert corpus_files(fresh_service) == ["dalian-2018-science-technology-work-plan.txt"]  # not before confirming


async def test_a_scanned_pdf_uploaded_by_an_admin_is_read_by_ocr(api, fresh_service, tmp_path):
    """A scan (page images, no text layer) goes through the same preview: its measures are recognised."""
    from pathlib import Path

    from retrieval.ingest import ocr

    if not ocr.available():
        pytest.skip("rapidocr-onnxruntime is not installed")
    data = (Path(__file__).parent / "fixtures" / "sample-measures-scan.pdf").read_bytes()
    async with driver(api, fresh_service) as bot:
        [preview] = await upload(bot, api, data, "scan-2025.pdf")
        text = preview.params["text"]
        assert "一(一), 一(二), 二(一)" in text
        assert corpus_files(fresh_service) == ["dalian-2018-science-technology-work-plan.txt"]  # not before confirming


async def test_an_admins_photo_is_answered_with_how_to_send_the_original(api, service):
    """Telegram compresses a photo until a notice's small print is lost: an admin is asked for the file;
    anyone else hears that the bot reads text."""
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1280, "height": 960}]
    async with driver(api, service) as bot:
        [reply] = await say(bot, api, None, photo=photo)
        assert "send the original image as a file" in reply.params["text"]
        [reply] = await say(bot, api, None, user_id=USER, photo=photo)
        assert "I can only read text" in reply.params["text"]

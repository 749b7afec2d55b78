"""Responsible units written into a measure: ``（责任单位：…）``, ``（牵头单位：A，配合单位：B、C）``, a
unit line after the item, and — inferred, where no clause exists — ``由X负责`` in the text."""
from __future__ import annotations

import re

# Role word → "units" (responsible), "lead" (牵头/主责) or "support" (配合/协办, partner units).
ROLE_WORDS = {"责任单位": "units", "责任部门": "units", "负责单位": "units", "实施单位": "units",
              "牵头单位": "lead", "牵头部门": "lead", "主责单位": "lead", "主责部门": "lead",
              "配合单位": "support", "配合部门": "support", "协办单位": "support", "协办部门": "support",
              "参与单位": "support", "协助单位": "support"}
_ROLES = "|".join(ROLE_WORDS)
_SEP = r"[:：,，;；、\s]"
# Unit names may hold one level of brackets of their own: 各区（市）县政府, 市委组织部（市人才办）.
UNIT_CLAUSE_RE = re.compile(rf"[(（]\s*((?:{_ROLES}){_SEP}*(?:[^()（）]|[(（][^()（）]*[)）])*)[)）]")
UNIT_LINE_RE = re.compile(rf"^((?:{_ROLES})\s*[:：].*)$")
# A table row "措施 | 责任单位：市科技局": the unit clause is a cell of its own.
UNIT_CELL_RE = re.compile(rf"\s*\|\s*((?:{_ROLES})\s*[:：][^|]*)(?=\||$)")
ROLE_RE = re.compile(rf"({_ROLES}){_SEP}*")
# A unit clause run on after the measure's last sentence, no brackets: "…充电设施。 牵头单位：A 配合单位：B、C".
UNIT_TAIL_RE = re.compile(rf"(?<=[。；;！!])\s*((?:{_ROLES})\s*[:：][^。；;]*)$")
# The verb form of a unit clause, as State Council style writes it after a task:
# （市公安局牵头，市发展改革委、市住房城乡建设局配合）, （国家发展改革委牵头，财政部等按职责分工负责）.
VERB_ROLES = {"牵头": "lead", "负责": "units", "配合": "support", "参与": "support", "协助": "support"}
_VERB = r"(?:按职责分工负责|分工负责|按职责负责|共同负责|牵头|负责|配合|参与|协助)"
_VERB_NAMES = r"(?:[^()（），,；;。：:“”]|[(（][^()（）]{1,6}[)）])+?"
VERB_CLAUSE_RE = re.compile(rf"[(（]\s*({_VERB_NAMES}{_VERB}(?:\s*[，,；;]\s*{_VERB_NAMES}{_VERB})*)\s*[)）]")
_VERB_SEGMENT_RE = re.compile(rf"({_VERB_NAMES})({_VERB})")
UNIT_SPLIT_RE = re.compile(r"[、,，;；/\s]+|(?<=[局委办府会厅])(?:和|及)")
# Units named in prose, used only in an article with no unit clause (inferred):
# 区民政局负责… / 由区民政局负责… / 由区财政局按季度拨付… / 区民政局会同区财政局… / 区残联予以配合.
# A unit name: no function words (由, 报, 向, 对 …) inside, ending like a government body.
# 会 may be inside a name (社会保障局, 委员会): only 会同 ("together with") ends one.
_UNIT = r"(?:(?![由报向对在的将按为从经与把被给让使于或是])(?!会同)[\u4e00-\u9fff（）()]){1,14}?" \
    r"(?:局|委员会|委|办事处|分局|政府|残联|中心|办公室|部门|机构|机关(?![\u4e00-\u9fff]{1,8}?(?:部门|局|支队|大队)))"
_UNITS = rf"{_UNIT}(?:[、和及]{_UNIT})*"
# "市人力资源和社会保障局（以下简称市人社局）负责…": the short name a text defines is no break.
_SHORT_NAME = r"(?:[（(]以下[简统]?称[^）)]{1,20}[）)])?"
SUBJECT_UNIT_RE = re.compile(rf"(?:^|[。；;：:，,\n])\s*(?:由|本办法由|本规定由|本条例由)?({_UNITS}){_SHORT_NAME}"
                             rf"(?:会同({_UNITS}))?(?:统一|具体|共同)?(?:负责|主管|牵头(?!单位|部门))")
# "市卫生健康委员会（以下简称市卫生健康委）是本市育儿补贴工作的主管部门"
IN_CHARGE_RE = re.compile(rf"(?:^|[。；;：:，,\n])\s*({_UNITS}){_SHORT_NAME}是[^。；;，,]{{0,30}}"
                          r"(?:主管部门|牵头部门|责任部门|主管单位|牵头单位|责任单位|行政主管)")
BY_UNIT_RE = re.compile(rf"由(?:所在)?({_UNITS})(?:会同({_UNITS}))?")
COOPERATE_RE = re.compile(rf"(?:^|[。；;，,\n])\s*({_UNITS})会同({_UNITS})")
PARTNER_RE = re.compile(rf"(?:^|[。；;，,\n])\s*({_UNITS})(?:予以|积极|做好)?(?:配合|协助)")
QUOTED_RE = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")
# A 机构 is a body of government only as a 工作机构, 救援机构, 经办机构 …: 医疗机构 and 培训机构 serve, they are not in charge.
UNIT_END_RE = re.compile(r"(?:部门|局|委|委员会|厅|办公室|办|政府|中心|院|处|科|站|街道|镇|残联|联合会|管委会|机关|"
                         r"(?:工作|救援|经办|执法|监管|主管|行政)机构)$")
# "各有关部门", "相关机构", "其他部门", "其主管部门" name nobody in particular.
# "各区卫生健康部门", "各区政府" name the bodies of every district; "各部门", "各单位" nobody.
VAGUE_UNIT_RE = re.compile(r"^(?:(?:各|其他|其它)?(?:有关|相关|有权)|其他|其它|各级|各(?:部门|单位|机构|地)|其|本单位|本部门)")
ENUMERATION_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、])\s*")
DUTY_TAIL_RE = re.compile(r"等?(按职责分工|按职责|分别|共同)负责$|等?负责$|等$")
NONE_NAMES = {"/", "无", "—", "-", "／"}


# A unit line for several items above it: "以上任务责任单位：…", "上述措施牵头单位：…".
SHARED_UNIT_LINE_RE = re.compile(rf"^(?:以上|上述)(?:各项|几项|\d+项)?(?:任务|措施|工作|事项)?((?:{_ROLES})\s*[:：].*)$")
# "市卫生健康委（第12项）": a unit for one of the items the line covers.
ITEM_NOTE_RE = re.compile(r"[(（]\s*第\s*(\d{1,3})\s*项\s*[)）]")
# "市发展改革委（充电设施）": which part of the item the unit handles; the unit is the name before it.
TOPIC_NOTE_RE = re.compile(r"[(（][^()（）]*[)）]$")


def distribute_shared_units(blocks: list) -> None:
    """A unit line under several items serves each of them: "以上任务责任单位：…" every item above it in
    its subsection that names no unit of its own, and a line whose units say which item they lead
    ("牵头单位：市卫生健康委（第12项）、市商务局（第13项）") those items. Rewrites the blocks' lines so
    each item carries its own unit line."""
    for i, block in enumerate(blocks):
        for j, line in enumerate(block.lines):
            stripped = line.strip()
            shared = SHARED_UNIT_LINE_RE.match(stripped)
            noted = UNIT_LINE_RE.match(stripped) and ITEM_NOTE_RE.search(stripped)
            if not (shared or noted or _closing_unit_line(blocks, i, j)):
                continue
            clause = shared.group(1) if shared else stripped
            covered = [block]
            for earlier in reversed(blocks[:i]):
                if earlier.subsection != block.subsection or earlier.chapter != block.chapter or _own_units(earlier):
                    break
                covered.insert(0, earlier)
            del block.lines[j]
            for target in covered:
                target.lines.append(_for_item(clause, target.section))
            break


def _closing_unit_line(blocks: list, i: int, j: int) -> bool:
    """A "责任单位：…" line of its own closing a subsection's last numbered item, none of the items above
    naming a unit: the subsection's units, written once below its items (not the last item's alone)."""
    block = blocks[i]
    if j != len(block.lines) - 1 or not UNIT_LINE_RE.match(block.lines[j].strip()) or not re.search(r"\d$", block.section):
        return False
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    if following is not None and following.subsection == block.subsection and following.chapter == block.chapter:
        return False
    earlier = blocks[i - 1] if i else None
    return earlier is not None and earlier.subsection == block.subsection and earlier.chapter == block.chapter \
        and not _own_units(earlier)


def _own_units(block) -> bool:
    return any(split_units("\n".join(block.lines))[1].values())


def _for_item(clause: str, section: str) -> str:
    """The clause as it reads for one item: units noted for other items left out, the notes dropped."""
    number = re.search(r"(\d+)$", section)
    parts = []
    for piece in re.split(r"([、,，;；])", clause):
        note = ITEM_NOTE_RE.search(piece)
        if note and (number is None or note.group(1) != number.group(1)):
            role = re.match(rf"^\s*((?:{_ROLES})\s*[:：])", piece)
            if role:  # "牵头单位：A（第12项）" for item 13: the role stays for the units after it
                parts.append(role.group(1))
            continue
        parts.append(ITEM_NOTE_RE.sub("", piece))
    text = "".join(parts)
    text = re.sub(r"([:：])[、,，]+", r"\1", text)  # "牵头单位：、市商务局" after a unit left out
    return re.sub(r"[、,，]+([;；]|$)", r"\1", text)


def parse_units(clause: str) -> dict[str, list[str]]:
    """``责任单位:市科技局、市卫生计生委`` / ``牵头单位：A，配合单位：B`` → units by role.

    A role's names run until the next role word, whatever separates them (，；、 or nothing)."""
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    note = FIRST_IS_LEAD_RE.search(clause)
    clause = clause[:note.start()] if note else clause
    found = list(ROLE_RE.finditer(clause))
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(clause)
        role = ROLE_WORDS[match.group(1)]
        for name in split_names(clause[match.end():end]):
            # "责任单位：市生态环境局牵头，市教育局…": a lead named inside the list of responsible units.
            own = "lead" if name.endswith("牵头") and UNIT_END_RE.search(name[:-2]) else role
            name = name[:-2] if own != role else name
            if name not in roles[own]:
                roles[own].append(name)
    if note and roles["units"] and not roles["lead"]:
        roles["lead"].append(roles["units"].pop(0))
    return roles


# "（责任单位：A、B、C。列第一位的为牵头单位，下同）": a note on how to read the list, whose role word
# would otherwise start a list of its own (牵头单位 "下同").
FIRST_IS_LEAD_RE = re.compile(r"[。；;，,]\s*(?:[列排]在?|位列)?(?:第一位|首位|第一个|首个)(?:的|者)?(?:单位|部门)?"
                              r"为牵头(?:单位|部门)[^()（）]*$")

# "各区、县人民政府" is one name over several levels: "各区" alone names no body.
_LEVELS_ONLY_RE = re.compile(r"^各?[省市区县镇乡](?:[（(][市区县][)）])?$")


# "各区县人民政府（开发区管委会，下同）": a note on what the name covers from here on, not a name of its own.
_SCOPE_NOTE_RE = re.compile(r"[(（][^()（）]*下同\s*[)）]")


def _names_outside_brackets(names: str) -> list[str]:
    """The names split at separators outside brackets: "各县（市、区）人民政府" is one name, not "各县（市"
    and "区）人民政府"."""
    out: list[str] = []
    pending = ""
    tokens = re.split(f"({UNIT_SPLIT_RE.pattern})", names)
    for i in range(0, len(tokens), 2):
        pending += tokens[i]
        separator = tokens[i + 1] if i + 1 < len(tokens) else ""
        if pending.count("（") + pending.count("(") > pending.count("）") + pending.count(")") and separator:
            pending += separator
            continue
        out.append(pending)
        pending = ""
    return out + ([pending] if pending else [])


def split_names(names: str) -> list[str]:
    out = []
    carried = ""
    for name in _names_outside_brackets(_SCOPE_NOTE_RE.sub("", names).strip(" 。.")):
        name = name.strip(" 。.:：")
        if _LEVELS_ONLY_RE.match(name):
            carried += name + "、"
            continue
        name, carried = carried + name, ""
        # "…、各区（县）人民政府按职责分工负责": what the list's units do, not part of the last one's name.
        duty = DUTY_TAIL_RE.search(name)
        if duty and duty.start() and (duty.group(1) or UNIT_END_RE.search(name[:duty.start()])):
            name = name[:duty.start()]
        note = TOPIC_NOTE_RE.search(name)
        if note and not UNIT_END_RE.search(note.group(0)[1:-1]):
            name = name[:note.start()].strip()  # 市商务局（绿色商场）: the unit, not the part it handles
        if name and name not in NONE_NAMES and name not in out:
            out.append(name)
    if carried and carried.rstrip("、") not in out:  # "…、各区" at the end: the districts, as written
        out.append(carried.rstrip("、"))
    return out


def verb_clause_units(clause: str) -> dict[str, list[str]] | None:
    """``市公安局牵头，市发展改革委、市住房城乡建设局配合`` → units by role; None unless every name
    is a body's name (（含技工院校）, （按规定负责） are no unit clauses)."""
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    for names, verb in _VERB_SEGMENT_RE.findall(clause):
        role = VERB_ROLES[verb[-2:]]
        names = re.sub(r"^[由和及]|等$|(?:分别|共同|按职责分工|按职责)$", "", names.strip())
        found = split_names(names)
        if not found or not all(UNIT_END_RE.search(n) or re.search(r"[行司院所部署]$", n) for n in found):
            return None
        merge_roles(roles, {role: found})
    return roles if any(roles.values()) else None


def split_units(text: str) -> tuple[str, dict[str, list[str]]]:
    """Remove the responsible-unit clause(s) from a measure's text and return them parsed."""
    clauses = UNIT_CLAUSE_RE.findall(text)
    body = UNIT_CLAUSE_RE.sub("", text)
    verb_roles = []

    def _verb_clause(match: re.Match) -> str:
        roles = verb_clause_units(match.group(1))
        if roles is None:
            return match.group(0)
        verb_roles.append(roles)
        return ""

    body = VERB_CLAUSE_RE.sub(_verb_clause, body)
    kept_lines = []
    for line in body.split("\n"):
        clauses.extend(UNIT_CELL_RE.findall(line))
        line = UNIT_CELL_RE.sub("", line)
        if tail := UNIT_TAIL_RE.search(line):
            clauses.append(tail.group(1))
            line = line[:tail.start()]
        match = UNIT_LINE_RE.match(line.strip())
        if match:
            clauses.append(match.group(1))
        else:
            kept_lines.append(line)
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    for clause in clauses:
        merge_roles(roles, parse_units(clause))
    for more in verb_roles:
        merge_roles(roles, more)
    return "\n".join(kept_lines).strip(), roles


def merge_roles(into: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for role, names in more.items():
        into[role].extend(n for n in names if n not in into[role])


def units_in_prose(text: str) -> dict[str, list[str]]:
    """Units a regulation's article names in prose, by role (inferred: it wrote no unit clause)."""
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    text = QUOTED_RE.sub("", text)  # quoted words are not the document's own assignment of a task
    for match in IN_CHARGE_RE.finditer(text):
        _add_names(roles["units"], match.group(1))
    for regex in (SUBJECT_UNIT_RE, BY_UNIT_RE, COOPERATE_RE):
        for match in regex.finditer(text):
            _add_names(roles["units"], match.group(1))
            _add_names(roles["support"], match.group(2) or "")
    for match in PARTNER_RE.finditer(text):
        _add_names(roles["support"], match.group(1))
    roles["support"] = [n for n in roles["support"] if n not in roles["units"]]
    return roles


def _add_names(into: list[str], names: str) -> None:
    # 和/及 join two units only after a complete name: 区自然资源和规划分局 is one unit.
    for name in re.split(r"、|(?<=[局委会处府联心室])[和及]", names):
        name = ENUMERATION_RE.sub("", name.strip())  # "（一）市财政局负责…": the list's marker is no part of it
        name = name[2:] if name.startswith("所在") else name
        if 2 <= len(name) <= 20 and UNIT_END_RE.search(name) and not VAGUE_UNIT_RE.match(name) and name not in into:
            into.append(name)


def ordered_units(roles: dict[str, list[str]]) -> list[str]:
    """The ``units`` list: lead units first, then responsible, then partner units."""
    if roles["support"] and roles["units"] and not roles["lead"]:
        # （责任部门：A；配合部门：B）: beside partners, the responsible unit is the lead.
        roles["lead"], roles["units"] = roles["units"], []
    out: list[str] = []
    for role in ("lead", "units", "support"):
        out.extend(n for n in roles[role] if n not in out)
    return out

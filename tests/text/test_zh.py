"""Chinese text: sentences, enumerated items, datelines, normalisation and Traditional/Simplified folding."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.text import zh
from app.text.normalize import normalize
from app.text.segment import segment


def kinds_and_texts(body: str, language: str = "zh"):
    return [(s.kind, s.text) for s in segment(body, language=language).segments]


def test_sentences_end_at_full_stops_exclamation_and_question_marks():
    assert zh.split_sentences("会议强调，要坚持自立自强。要加强基础研究！这是为什么？答案很清楚。") == [
        "会议强调，要坚持自立自强。", "要加强基础研究！", "这是为什么？", "答案很清楚。"]


def test_a_full_stop_inside_quotes_does_not_end_the_sentence_but_one_before_the_closing_quote_does():
    assert zh.split_sentences("他说：“要加强。要推动。”会议结束。") == ["他说：“要加强。要推动。”", "会议结束。"]
    assert zh.split_sentences("「數據是基礎。」他說。") == ["「數據是基礎。」", "他說。"]
    assert zh.split_sentences("坚持“以人为本、智能向善”的原则。下一句。") == ["坚持“以人为本、智能向善”的原则。", "下一句。"]


def test_a_semicolon_ends_a_unit_only_before_an_enumerated_item():
    assert zh.split_sentences("一是加强研究；二是推动应用；三是完善治理。") == ["一是加强研究；", "二是推动应用；", "三是完善治理。"]
    assert zh.split_sentences("数据是要素；算力是基础。") == ["数据是要素；算力是基础。"]
    assert zh.split_sentences("（1）加强研究；（2）推动应用。") == ["（1）加强研究；", "（2）推动应用。"]


def test_enumerated_items_and_headings():
    got = kinds_and_texts("一、总体要求\n\n（一）加强组织领导。各地区要高度重视。\n\n二是推动应用；三是完善治理。")
    assert got == [("heading", "一、总体要求"), ("item", "（一）加强组织领导。"), ("sentence", "各地区要高度重视。"),
                   ("item", "二是推动应用；"), ("item", "三是完善治理。")]


def test_a_chinese_dateline_is_taken_off_the_first_paragraph():
    r = segment("新华社北京3月17日电 国务院召开常务会议。会议听取汇报。", language="zh")
    assert r.dateline == "新华社北京3月17日电" and r.segments[0].text == "国务院召开常务会议。"


def test_hard_wrapped_chinese_lines_join_without_a_space():
    r = segment("国务院召开常务\n会议，研究部署有关举措。\n\n下一段。", language="zh")
    assert r.segments[0].text == "国务院召开常务会议，研究部署有关举措。"


def test_mixed_chinese_and_english_sentences():
    assert zh.split_sentences("欧盟《人工智能法》（AI Act）已生效。The EU said so. 我国愿加强对话。") == [
        "欧盟《人工智能法》（AI Act）已生效。", "The EU said so.", "我国愿加强对话。"]


def test_sentences_are_exact_substrings_of_the_paragraph():
    para = "会议指出，我国数据资源丰富，产业体系完备。企业数量超过４５００家！他说：“数据是基础。”"
    for s in zh.split_sentences(para):
        assert s in para


def test_an_english_document_is_segmented_as_before():
    body = "The meeting stressed self-reliance. Gov. Newsom said so; it matters. (1) First item."
    assert [s.text for s in segment(body).segments] == [s.text for s in segment(body, language="en").segments]


@pytest.mark.parametrize("a, b", [
    ("數據資源豐富", "数据资源丰富"),  # Traditional and Simplified
    ("企业数量超过４５００家", "企业数量超过4500家"),  # full-width digits
    ("会议指出，我国数据资源丰富！", "会议指出,我国数据资源丰富!"),  # full-width punctuation
    ("「以人為本」", "“以人为本”"),
])
def test_normalisation_folds_scripts_and_widths(a, b):
    assert normalize(a) == normalize(b)


def test_every_han_character_is_a_word_for_matching():
    assert normalize("数据资源丰富，AI模型2025年") == "数 据 资 源 丰 富 ai 模 型 2025 年"


@pytest.mark.parametrize("tag, chinese", [("zh", True), ("zh-Hant", True), ("zh-Hans-CN", True), ("cmn", True),
                                          ("en", False), ("ja", False), (None, False)])
def test_chinese_language_tags(tag, chinese):
    assert zh.is_chinese(tag) is chinese


def test_english_text_never_loads_jieba_or_opencc():
    code = ("import sys; from app.text.segment import segment; from app.text.normalize import normalize; "
            "from app.index.schema import completed; from app.index.analysis import text_words; "
            "segment('The meeting stressed self-reliance. It matters.'); normalize('China’s AI'); "
            "text_words('regulations of AI'); "
            "print('jieba' in sys.modules, 'opencc' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]

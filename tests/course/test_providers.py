"""Provider detection and the feature table (course/providers.py), kept in step with .env.example and docs.

No network: setup() on a remote provider only reads the environment, and nothing here sends a request.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course import backend as backend_module
from course import doctor, providers
from course.backend import DEFAULT_MODEL, Backend, detect_provider

REPO = Path(__file__).resolve().parents[2]
NAMED = [name for name in providers.PROVIDERS if name != "stub"]


# --- detection ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "OpenAI"),
        ("", "OpenAI"),
        ("https://api.openai.com/v1", "OpenAI"),
        ("https://my-resource.openai.azure.com/openai/v1/", "Azure OpenAI"),
        ("https://my-resource.cognitiveservices.azure.com/openai/v1/", "Azure OpenAI"),
        ("https://my-project.services.ai.azure.com/openai/v1/", "Azure OpenAI"),
        ("http://localhost:11434/v1", "Ollama"),
        ("http://gpu-box.lan:11434/v1", "Ollama"),
        ("https://ollama.com/v1", "Ollama"),
        ("https://api.groq.com/openai/v1", "Groq"),
        ("https://openrouter.ai/api/v1", "OpenRouter"),
        ("http://localhost:8000/v1", "vLLM"),
        ("http://127.0.0.1:8000/v1", "vLLM"),
        # Not recognised: a look-alike host, vLLM's port on another machine, anything else.
        ("https://api.openai.com.attacker.example/v1", providers.UNKNOWN),
        ("https://notopenrouter.ai/api/v1", providers.UNKNOWN),
        ("http://gpu-box.lan:8000/v1", providers.UNKNOWN),
        ("https://api.together.xyz/v1", providers.UNKNOWN),
    ],
)
def test_detect_provider_from_the_base_url(base_url, expected):
    assert detect_provider(base_url) == expected


def test_llm_provider_names_what_the_url_cannot_tell():
    assert detect_provider("http://gpu-box.lan:8000/v1", "vLLM") == "vLLM"
    assert detect_provider("http://gpu-box.lan:8000/v1", " vllm ") == "vLLM"  # case and spaces do not matter
    assert detect_provider("https://proxy.corp.example/v1", "groq") == "Groq"
    assert detect_provider("https://proxy.corp.example/v1", "azure") == "Azure OpenAI"
    assert detect_provider("https://proxy.corp.example/v1", "azure-openai") == "Azure OpenAI"
    assert detect_provider("https://proxy.corp.example/v1", "open_router") == "OpenRouter"
    # The course's stub run on its own (make stub) listens on 8000 too.
    assert detect_provider("http://localhost:8000/v1", "stub") == "stub"
    assert Backend("remote", "http://localhost:8000/v1", DEFAULT_MODEL, "stub").warn_unsupported("n") is None
    # An unknown or empty override is ignored: the URL decides.
    assert detect_provider("https://api.groq.com/openai/v1", "acme-ai") == "Groq"
    assert detect_provider("https://api.groq.com/openai/v1", "") == "Groq"


def env_example_blocks() -> dict[str, dict[str, str]]:
    """The provider blocks of .env.example: {provider name: {VARIABLE: value}} from the commented lines."""
    blocks: dict[str, dict[str, str]] = {}
    current = None
    for line in (REPO / ".env.example").read_text().splitlines():
        header = re.match(r"# --- (.+?)(?: \(.*)? -+$", line)
        if header:
            current = blocks.setdefault(header.group(1).strip(), {})
            continue
        setting = re.match(r"# ([A-Z_]+)=(.*)$", line)
        if current is not None and setting:
            current[setting.group(1)] = setting.group(2).strip()
    return blocks


def test_env_example_has_a_block_for_every_provider_and_each_is_detected():
    blocks = env_example_blocks()
    assert set(blocks) == set(NAMED), f".env.example blocks {sorted(blocks)} != providers {sorted(NAMED)}"
    for name, settings in blocks.items():
        assert "OPENAI_API_KEY" in settings and "MODEL" in settings, (
            f"the {name} block needs a key and a model"
        )
        url = settings.get("OPENAI_BASE_URL")
        assert detect_provider(url, settings.get("LLM_PROVIDER")) == name, (
            f"the {name} block is not detected as {name}"
        )
        assert detect_provider(url) == name, f"the {name} block's URL alone should name {name}"
        if url:
            assert url in providers.PROVIDERS[name].base_url, (
                f"{name}: .env.example and the table disagree on the URL"
            )
        assert settings["MODEL"] == providers.PROVIDERS[name].model, (
            f"{name}: .env.example and the table disagree on MODEL"
        )


def test_setup_names_the_detected_provider_without_starting_anything(monkeypatch, tmp_path, capsys):
    env = tmp_path / ".env"
    env.write_text("")
    monkeypatch.setattr(backend_module, "_current", None)
    monkeypatch.setenv("LLM_BACKEND", "remote")
    monkeypatch.setenv("OPENAI_API_KEY", "gsk_" + "k" * 8)  # short on purpose: nothing key-shaped in the repo
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box.lan:8000/v1")
    monkeypatch.setenv("LLM_PROVIDER", "vLLM")
    monkeypatch.setenv("MODEL", "Qwen/Qwen2.5-7B-Instruct")
    b = backend_module.setup(env_file=str(env))
    out = capsys.readouterr().out
    assert out == "LLM backend: vLLM · base URL http://gpu-box.lan:8000/v1 · model Qwen/Qwen2.5-7B-Instruct\n"
    assert b.stub is None and b.provider == "vLLM"
    assert not b.supports("parallel_tool_calls") and b.supports("n")


def test_the_stub_line_is_unchanged():
    # Stored notebook outputs depend on this exact line (the port is sanitised by nbval).
    b = Backend("stub", "http://127.0.0.1:5/v1", DEFAULT_MODEL, "stub")
    assert (
        b.describe()
        == f"LLM backend: stub (embedded, no key needed) · base URL http://127.0.0.1:5/v1 · model {DEFAULT_MODEL}"
    )


# --- the feature table --------------------------------------------------------------------------------------


def test_the_table_covers_every_provider_and_feature():
    assert set(NAMED) == {"OpenAI", "Azure OpenAI", "Ollama", "Groq", "OpenRouter", "vLLM"}
    for name, entry in providers.PROVIDERS.items():
        assert entry.name == name
        assert set(entry.features) == set(providers.FEATURES), f"{name}: give every feature a level"
        for feature, support in entry.features.items():
            assert support.level in providers.LEVELS
            if support.level != providers.YES:
                assert support.note, f"{name}/{feature} is {support.level}: say why in a note"
        if name != "stub":
            assert entry.sources and all(s.startswith("https://") for s in entry.sources), (
                f"{name}: cite its docs"
            )


def test_the_table_says_what_the_documentation_says():
    level = {name: {f: s.level for f, s in p.features.items()} for name, p in providers.PROVIDERS.items()}
    assert set(level["stub"].values()) == {providers.YES}
    assert set(level["OpenAI"].values()) == {providers.YES}
    # Ollama: tool_choice and n unchecked on its compatibility page, parallel_tool_calls not listed.
    assert (
        level["Ollama"]["n"]
        == level["Ollama"]["tool_choice"]
        == level["Ollama"]["parallel_tool_calls"]
        == "no"
    )
    assert level["Ollama"]["seed"] == level["Ollama"]["stream_include_usage"] == "yes"
    # Groq: "If N is supplied, it must be equal to 1"; strict only on gpt-oss models.
    assert level["Groq"]["n"] == "no" and level["Groq"]["json_schema_strict"] == "partial"
    # vLLM: "parallel_tool_calls and user parameters are ignored".
    assert level["vLLM"]["parallel_tool_calls"] == "no" and level["vLLM"]["n"] == "yes"
    # OpenRouter ignores n; usage always comes on the last chunk.
    assert level["OpenRouter"]["n"] == "no" and level["OpenRouter"]["stream_include_usage"] == "yes"


def test_docs_embed_the_current_table_and_cite_every_source():
    doc = (REPO / "docs/providers.md").read_text()
    table = re.search(r"<!-- feature-table:begin.*?-->\n(.*?)\n<!-- feature-table:end -->", doc, re.S)
    assert table, "docs/providers.md lost its feature-table markers"
    assert table.group(1) == providers.markdown_table(), (
        "docs/providers.md is out of date; paste the output of "
        "python -c 'from course.providers import markdown_table; print(markdown_table())'"
    )
    for name in NAMED:
        assert f"## {name}" in doc, f"docs/providers.md needs a section for {name}"
        for source in providers.PROVIDERS[name].sources:
            assert source in doc, f"docs/providers.md does not cite {source} ({name})"
        for feature in providers.FEATURES:
            assert f"`{feature}`" in doc


# --- supports() and warn_unsupported() ------------------------------------------------------------------------


def remote(provider: str) -> Backend:
    return Backend("remote", "https://provider.example/v1", "some-model", provider)


@pytest.mark.parametrize("feature", list(providers.FEATURES))
def test_stub_and_openai_support_everything_and_stay_silent(feature, capsys):
    stub = Backend("stub", "http://127.0.0.1:5/v1", DEFAULT_MODEL, "stub")
    for b in (stub, remote("OpenAI")):
        assert b.supports(feature)
        assert b.warn_unsupported(feature, "01") is None
    assert capsys.readouterr().out == "", (
        "nothing may print on the stub or OpenAI: stored outputs depend on it"
    )


def test_a_missing_feature_prints_exactly_one_line(capsys):
    b = remote("Ollama")
    assert not b.supports("n")
    line = b.warn_unsupported("n", "01")
    out = capsys.readouterr().out
    assert out == line + "\n" and out.count("\n") == 1
    assert line.startswith("Note: Ollama does not support n > 1") and "Lesson 01" in line


def test_a_partial_feature_prints_its_caveat(capsys):
    b = remote("Groq")
    assert b.supports("json_schema_strict")  # usable, with a caveat
    line = b.warn_unsupported("json_schema_strict", "03")
    assert "works only in part" in line and "gpt-oss" in line
    assert capsys.readouterr().out.count("\n") == 1


def test_an_unknown_provider_gets_the_benefit_of_the_doubt_and_a_hint(capsys):
    b = remote(providers.UNKNOWN)
    assert b.supports("n")
    line = b.warn_unsupported("n")
    assert "LLM_PROVIDER" in line and "docs/providers.md" in line
    assert capsys.readouterr().out.count("\n") == 1


def test_an_unknown_feature_is_a_mistake_in_the_lesson():
    with pytest.raises(ValueError, match="unknown feature 'streaming_usage'"):
        remote("Groq").supports("streaming_usage")
    with pytest.raises(ValueError, match="known features: json_object"):
        Backend("stub", "u", "m", "stub").warn_unsupported("n>1", "01")


def test_every_warning_is_a_single_line():
    for name in providers.PROVIDERS:
        for feature in providers.FEATURES:
            line = providers.warning(name, feature, "02")
            assert line is None or ("\n" not in line and line.startswith("Note: "))


# --- the doctor ------------------------------------------------------------------------------------------------


def test_doctor_names_the_provider_and_what_it_lacks():
    ollama = doctor.check_provider("Ollama")
    assert ollama.ok and "provider: Ollama" in ollama.what and "n no" in ollama.what
    assert "every feature" in doctor.check_provider("OpenAI").what
    assert "every feature" in doctor.check_provider("stub").what
    unknown = doctor.check_provider(providers.UNKNOWN)
    assert "LLM_PROVIDER" in unknown.what and "vLLM" in unknown.what


def test_doctor_checks_that_port_8000_really_is_vllm():
    # vLLM's /v1/models lists owned_by "vllm" (ModelCard in vllm/entrypoints/openai/protocol.py); the
    # course's own stub, started with `make stub`, also listens on 8000 by default.
    assert doctor.check_server_identity("vLLM", {"vllm"}) is None
    assert doctor.check_server_identity("Groq", {"system"}) is None
    assert doctor.check_server_identity("vLLM", set()) is None
    hint = doctor.check_server_identity("vLLM", {"system", "openai"})
    assert hint is not None and hint.ok and "LLM_PROVIDER=stub" in hint.what and "openai, system" in hint.what


def test_docs_embed_the_current_model_table():
    """docs/providers.md's model table is the catalogue's (llm_stub/data/models.toml): no second table."""
    from course import models

    doc = (REPO / "docs/providers.md").read_text()
    table = re.search(
        re.escape(models.MODEL_TABLE_BEGIN) + r"\n(.*?)\n" + re.escape(models.MODEL_TABLE_END), doc, re.S
    )
    assert table, "docs/providers.md lost its model-table markers"
    assert table.group(1) == models.markdown_table(), (
        "docs/providers.md's model table is out of date; paste the output of "
        "python -c 'from course.models import markdown_table; print(markdown_table())'"
    )

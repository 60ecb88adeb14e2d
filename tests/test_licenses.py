"""License normalisation, OSI approval and license names in prose, on realistic inputs
and on the real calibration and model-card captures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.captures import capture_files, iter_records
from index.evidence.licenses import (
    License,
    code_license_in_text,
    is_noncommercial_license,
    is_permissive_content_license,
    licenses_in_text,
    noncommercial_terms,
    normalise_license,
)
from tests.conftest import MODELCARDS


@pytest.mark.parametrize(
    ("raw", "spdx", "osi"),
    [
        # Hub metadata ids
        ("apache-2.0", "Apache-2.0", True),
        ("mit", "MIT", True),
        ("bsd-3-clause", "BSD-3-Clause", True),
        ("gpl-3.0", "GPL-3.0-only", True),
        ("mpl-2.0", "MPL-2.0", True),
        ("cc-by-4.0", "CC-BY-4.0", False),
        ("cc-by-sa-3.0", "CC-BY-SA-3.0", False),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0", False),
        ("odbl", "ODbL-1.0", False),
        ("openrail", None, False),
        ("bigscience-openrail-m", None, False),
        ("bigscience-bloom-rail-1.0", None, False),
        ("creativeml-openrail-m", None, False),
        ("llama2", None, False),
        ("llama3", None, False),
        ("llama3.1", None, False),
        ("gemma", None, False),
        ("apple-ascl", None, False),
        ("other", None, False),
        ("unknown", None, False),
        # GitHub spdx_id: NOASSERTION is a license file nobody could identify
        ("NOASSERTION", None, False),
        ("AGPL-3.0", "AGPL-3.0-only", True),
        # PyPI free text and trove classifiers
        ("Apache 2.0", "Apache-2.0", True),
        ("Apache License 2.0", "Apache-2.0", True),
        ("Apache License, Version 2.0", "Apache-2.0", True),
        ("Apache Software License", "Apache-2.0", True),
        ("MIT License", "MIT", True),
        ("BSD", "BSD-3-Clause", True),
        ("License :: OSI Approved :: BSD License", "BSD-3-Clause", True),
        ("GPLv3", "GPL-3.0-only", True),
        ("GNU General Public License v3.0", "GPL-3.0-only", True),
        ("The Unlicense", "Unlicense", True),
        # Expressions and compounds
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0", True),
        ("MIT/Apache-2.0", "MIT OR Apache-2.0", True),
        ("Apache 2.0 or MIT", "Apache-2.0 OR MIT", True),
        ("CC-BY-NC-4.0 OR MIT", "CC-BY-NC-4.0 OR MIT", True),
        ("MIT AND CC-BY-NC-4.0", "MIT AND CC-BY-NC-4.0", False),
        ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception", True),
        # Card text names
        ("CC BY-NC 4.0", "CC-BY-NC-4.0", False),
        (
            "Creative Commons Attribution-NonCommercial 4.0 International",
            "CC-BY-NC-4.0",
            False,
        ),
        ("Llama 2 Community License", None, False),
        ("RAIL", None, False),
    ],
)
def test_normalise_license(raw: str, spdx: str | None, osi: bool) -> None:
    found = normalise_license(raw, "hf_metadata")
    assert found == License(raw=raw, spdx=spdx, osi_approved=osi, source="hf_metadata")


def test_a_list_of_ids_needs_every_license_osi_approved() -> None:
    both_open = normalise_license(["apache-2.0", "mit"], "hf_metadata")
    assert both_open is not None
    assert (both_open.spdx, both_open.osi_approved) == ("Apache-2.0 AND MIT", True)
    with_custom = normalise_license(["apache-2.0", "llama2"], "hf_metadata")
    assert with_custom is not None
    assert (with_custom.spdx, with_custom.osi_approved) == (None, False)
    assert with_custom.raw == "apache-2.0, llama2"


def test_full_license_text_from_pypi_is_recognised_by_its_title() -> None:
    text = (
        "                                 Apache License\n"
        "                           Version 2.0, January 2004\n"
        "                        http://www.apache.org/licenses/\n\n"
        "   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n"
    )
    found = normalise_license(text, "pypi")
    assert found is not None
    assert (found.spdx, found.osi_approved, found.source) == (
        "Apache-2.0",
        True,
        "pypi",
    )


@pytest.mark.parametrize("raw", [None, "", "   ", "`()`", [], ["", None], 42, {"spdx": "MIT"}])
def test_nothing_to_read_gives_none(raw: object) -> None:
    assert normalise_license(raw, "github") is None  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["WITH MIT", "MIT AND", "MIT OR OR", "x" * 5000, "\x00"])
def test_malformed_expressions_are_unrecognised(raw: str) -> None:
    found = normalise_license(raw, "pypi")
    assert found is not None
    assert (found.spdx, found.osi_approved) == (None, False)


@pytest.mark.parametrize(
    ("spdx", "open_content"),
    [
        ("CC-BY-4.0", True),
        ("CC-BY-SA-4.0", True),
        ("cc-by-sa-3.0", True),
        ("CC0-1.0", True),
        ("ODC-By-1.0", True),
        ("ODbL-1.0", True),
        ("odc-by", True),
        ("PDDL-1.0", True),
        ("CC-BY-NC-4.0", False),
        ("CC-BY-ND-4.0", False),
        ("CC-BY-NC-SA-4.0", False),
        ("Apache-2.0", False),
        ("CC-BY-NC-4.0 OR CC-BY-4.0", True),
        ("CC-BY-4.0 AND CC-BY-NC-4.0", False),
        (None, False),
        ("", False),
        ("(", False),
    ],
)
def test_permissive_content_licenses(spdx: str | None, open_content: bool) -> None:
    assert is_permissive_content_license(spdx) is open_content


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "This model is released under the Apache 2.0 license.",
            ["Apache 2.0 license"],
        ),
        ("MIT License\n\nCopyright (c) 2023 Someone", ["MIT License"]),
        ("The weights are licensed under CC BY-NC 4.0.", ["CC BY-NC 4.0"]),
        ("Code is GPL-3.0; see LICENSE.", ["GPL-3.0"]),
        (
            "Llama 2 is licensed under the LLAMA 2 Community License, Copyright (c) Meta.",
            ["LLAMA 2 Community License"],
        ),
        ("Use of the model is subject to the RAIL license.", ["RAIL license"]),
        ("- **License:** Llama2", ["Llama2"]),
        ("| **License** | CC-BY-4.0 license  |", ["CC-BY-4.0 license"]),
        ("**The license is `cc-by-nc-sa-4.0`.**", ["cc-by-nc-sa-4.0"]),
        (
            "Release under the MIT and CreativeML OpenRAIL-M licenses. <br>",
            ["MIT", "CreativeML OpenRAIL-M"],
        ),
        (
            ("Licensed under the Creative Commons Attribution-NonCommercial 4.0 International (CC BY-NC 4.0) license."),
            ["Creative Commons Attribution-NonCommercial 4.0"],
        ),
        (
            (
                "[![Code License](https://img.shields.io/badge/Code%20License-Apache_2.0-green.svg)]"
                "(https://github.com/o/r/blob/main/LICENSE)"
            ),
            ["Apache 2.0"],
        ),
        (
            ("Subject to the [tongyi-qianwen](https://huggingface.co/Qwen/Qwen1.5-72B/blob/main/LICENSE) license."),
            ["tongyi-qianwen license"],
        ),
        # Not license statements
        ("- **License:** [More Information Needed]", []),
        ("Researchers at MIT trained it. Please read the full license.", []),
        (
            "The models must adhere to the [Model License Agreement](https://x.org/LICENSE).",
            [],
        ),
        ("", []),
    ],
)
def test_licenses_in_text(text: str, names: list[str]) -> None:
    assert licenses_in_text(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # said of the code alone: not the model's licence
        ("The code in the accompanying repository is released under the MIT License.", []),
        ("Our training scripts are available under the Apache 2.0 license.", []),
        ("代码采用 Apache-2.0 协议。", []),
        # a sentence wrapped over two lines is still one sentence about the code
        ("The code in this repository is released under the\nMIT License.", []),
        # said of the model, or of model and code together
        ("The model weights are released under the Apache 2.0 license.", ["Apache 2.0 license"]),
        ("Model and code are released under the MIT License.", ["MIT License"]),
        ("License: CC-BY-NC-4.0\n\nThe code is on GitHub.", ["CC-BY-NC-4.0"]),
        # each sentence on its own
        ("The code is MIT-licensed. This model is licensed under the Apache 2.0 license.", ["Apache 2.0 license"]),
    ],
)
def test_the_models_licenses_in_text_leave_out_those_said_of_the_code_alone(text: str, names: list[str]) -> None:
    # RUBRIC.md: the licence of the released model decides, whatever the code's.
    assert licenses_in_text(text, of_the_model=True) == names


def test_names_found_in_text_normalise() -> None:
    text = "Our code is released under the Apache License, Version 2.0; data under CC-BY-SA 4.0."
    normalised = [normalise_license(name, "card_text") for name in licenses_in_text(text)]
    assert [(found.spdx, found.osi_approved) for found in normalised if found] == [
        ("Apache-2.0", True),
        ("CC-BY-SA-4.0", False),
    ]


@pytest.mark.parametrize("text", [None, 17, b"MIT License", ["MIT"]])
def test_text_of_the_wrong_type_has_no_licenses(text: object) -> None:
    assert licenses_in_text(text) == []  # type: ignore[arg-type]


WIZARDLM_BADGES = (
    "[![Code License](https://img.shields.io/badge/Code%20License-Apache_2.0-green.svg)](https://x/LICENSE)\n"
    "[![Data License](https://img.shields.io/badge/Data%20License-CC%20By%20NC%204.0-red.svg)](https://x/DATA)\n"
    "The model weights are under the Llama 2 License.\n"
)


@pytest.mark.parametrize(
    ("readme", "code_license"),
    [
        (WIZARDLM_BADGES, "Apache 2.0"),
        ("Our code is released under the MIT License; the weights under CC-BY-NC-4.0.", "MIT License"),
        ("## License\n\nApache 2.0\n", "Apache 2.0"),
        ("Weights: Llama 2 License. Data: CC BY NC 4.0.", None),  # several, none said to be the code's
        ("# A repo\n\nNo word on licensing here.", None),
        ("", None),
    ],
)
def test_code_license_stated_in_a_readme(readme: str, code_license: str | None) -> None:
    assert code_license_in_text(readme) == code_license


@pytest.mark.parametrize(
    ("spdx", "noncommercial"),
    [
        ("CC-BY-NC-4.0", True),
        ("cc-by-nc-sa-4.0", True),  # the Hub's lower-case id
        ("CC-BY-NC-ND-3.0", True),
        ("Apache-2.0 AND CC-BY-NC-4.0", True),  # the NC part binds
        ("CC-BY-NC-4.0 OR MIT", False),  # MIT may be chosen instead
        ("CC-BY-SA-4.0", False),
        ("MIT", False),
        ("llama2", False),  # restrictive, but not a non-commercial licence
        ("", False),
        (None, False),
    ],
)
def test_noncommercial_licenses(spdx: str | None, noncommercial: bool) -> None:
    assert is_noncommercial_license(spdx) is noncommercial


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "# Orbit\n\nOrbit is available under the [Orbit License](https://x/oal.pdf), a license allowing "
            "non-commercial research use. It speaks French.",
            "Orbit is available under the Orbit License, a license allowing non-commercial research use.",
        ),
        (
            "The code, data and model weights of this project are restricted for academic research purposes "
            "only and cannot be used for commercial purposes.",
            "The code, data and model weights of this project are restricted for academic research purposes "
            "only and cannot be used for commercial purposes.",
        ),
        (
            "The weights may not be used for commercial purposes.",
            "The weights may not be used for commercial purposes.",
        ),
        # What a model is for is not a term of use.
        ("Orbit is built for research purposes only and answers in one turn.", None),
        # A dataset's non-commercial licence restricts the data, not the model.
        ("The instruction dataset is licensed for non-commercial use.", None),
        # A badge or table cell saying "CC BY NC" is a licence id, read as such elsewhere.
        ("| Orbit-7B | Non-commercial |\n", None),
        ("Released under Apache 2.0 for research and commercial use.", None),
        # A Chinese full stop ends a sentence too: the data's terms stay the data's.
        ("The dataset license allows non-commercial use only\u3002Nimbus weights are under Apache 2.0.", None),
        # The same terms in Chinese: only for research, not for commercial use.
        (
            "我们要求开发者仅将本项目的代码、数据、模型用于研究目的，不得用于商业。其他说明见下文。",
            "我们要求开发者仅将本项目的代码、数据、模型用于研究目的，不得用于商业。",
        ),
        ("本项目仅可应用于研究目的，开发者不承担任何责任。", "本项目仅可应用于研究目的，开发者不承担任何责任。"),
        # Open to research, commercial use after registering: not a restriction to research.
        ("模型权重对学术研究完全开放，在填写问卷进行登记后亦允许免费商业使用。", None),
        # The data's terms, in Chinese, stay the data's.
        ("本数据集仅供研究使用，不得用于商业。", None),
        ("", None),
    ],
)
def test_noncommercial_terms_in_text(text: str, sentence: str | None) -> None:
    assert noncommercial_terms(text) == sentence


# --- real captures ---------------------------------------------------------------------


def _calibration_records(calibration: Path) -> list[dict]:
    return [record for path in capture_files(calibration / "captures") for _, record in iter_records(path)]


def _metadata_licenses(record: dict) -> list[tuple[str, object]]:
    """(source, raw license) pairs that the crawler will hand to normalise_license."""
    url, body = record["url"], record.get("json")
    if not isinstance(body, dict):
        return []
    if "/api/models/" in url or "/api/datasets/" in url:
        return [("hf_metadata", (body.get("cardData") or {}).get("license"))]
    if re.fullmatch(r"https://api\.github\.com/repos/[^/]+/[^/]+", url):
        return [("github", (body.get("license") or {}).get("spdx_id"))]
    if url.startswith("https://pypi.org/pypi/"):
        return [("pypi", (body.get("info") or {}).get("license"))]
    return []


def test_every_calibration_license_field_normalises(calibration: Path) -> None:
    found = {}
    for record in _calibration_records(calibration):
        for source, raw in _metadata_licenses(record):
            license_ = normalise_license(raw, source)  # type: ignore[arg-type]
            if license_ is not None:
                found[record["url"]] = license_
    assert len(found) > 50
    trlx = found["https://api.github.com/repos/CarperAI/trlx"]
    assert (trlx.spdx, trlx.osi_approved) == ("MIT", True)
    llama3_code = found["https://api.github.com/repos/meta-llama/llama3"]
    assert (llama3_code.raw, llama3_code.spdx, llama3_code.osi_approved) == (
        "NOASSERTION",
        None,
        False,
    )
    wizardlm = found["https://huggingface.co/api/models/WizardLM/WizardLM-13B-V1.2"]
    assert (wizardlm.raw, wizardlm.osi_approved) == ("llama2", False)
    starcoder_tuned = found["https://huggingface.co/api/models/WizardLM/WizardCoder-15B-V1.0"]
    assert starcoder_tuned.osi_approved is False


def test_every_model_card_text_yields_normalisable_names() -> None:
    cards = MODELCARDS / "captures.jsonl.gz"
    if not cards.is_file():
        pytest.skip("../shared/data/modelcards is not here")
    names_by_card = {
        record["url"]: licenses_in_text(record.get("body") or "")
        for _, record in iter_records(cards)
        if record["url"].endswith("/README.md")
    }
    assert len(names_by_card) > 300
    for names in names_by_card.values():
        assert all(normalise_license(name, "card_text") is not None for name in names)
    openchat = "https://huggingface.co/TheBloke/openchat-3.5-0106-GGUF/resolve/main/README.md"
    openchat_licenses = {normalise_license(n, "card_text") for n in names_by_card[openchat]}
    assert {found.spdx for found in openchat_licenses if found} == {"Apache-2.0"}
    qwen = "https://huggingface.co/JackCloudman/Liberated-Qwen1.5-72B-exl2-3.5bpw/resolve/main/README.md"
    assert "tongyi-qianwen license" in names_by_card[qwen]

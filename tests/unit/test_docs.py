"""The README is the manual: every setting and every error code the code knows is documented."""

import re

from renderowl.config import Settings
from renderowl.errors import RenderowlError
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def _env_names() -> list[str]:
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias.choices[0] if alias is not None else f"RENDEROWL_{name.upper()}")  # type: ignore[union-attr]
    return names


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [name for name in _env_names() if f"`{name}`" not in README]
    assert missing == []


def test_every_error_code_is_documented_in_the_readme() -> None:
    codes = {cls.code for cls in _subclasses(RenderowlError)}
    source = "\n".join(p.read_text() for p in (REPO / "shared" / "renderowl").rglob("*.py"))
    codes |= set(re.findall(r'code\s*=\s*"([A-Z_]+)"', source))
    codes |= set(re.findall(r'error_response\(\s*\d+,\s*"([A-Z_]+)"', source))
    missing = sorted(code for code in codes if f"`{code}`" not in README)
    assert missing == []


def test_every_rejection_reason_is_documented_in_the_readme() -> None:
    from renderowl.ingest.rejections import Reason

    assert sorted(r.value for r in Reason if f"`{r.value}`" not in README) == []


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_subclasses(sub)}
    return out


def test_the_readme_shows_the_receiver_example_verbatim() -> None:
    example = (REPO / "examples" / "webhook_receiver.py").read_text()
    assert example in README
    assert len([line for line in example.splitlines() if line.strip()]) <= 20

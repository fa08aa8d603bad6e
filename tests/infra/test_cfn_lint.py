"""cfn-lint finds no error in the synthesized template (ignored warnings: infra/cfnlintrc.yaml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from infra.images import REPO
from tests.infra.conftest import Synth

CONFIG = REPO / "infra" / "cfnlintrc.yaml"


def test_cfn_lint_passes_on_the_template(full: Synth) -> None:
    # Given the template of the full stack
    template = full.outdir / f"{full.stack.artifact_id}.template.json"

    # When cfn-lint checks it with the repository's ignore list
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--config-file", str(CONFIG), "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )

    # Then it reports nothing
    assert result.returncode == 0, result.stdout + result.stderr

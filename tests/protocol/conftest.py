import pathlib
import shutil

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seeds(tmp_path_factory) -> pathlib.Path:
    """A copy of the annotated seed corpus, so the tests touch nothing."""
    target = tmp_path_factory.mktemp("ws") / "seeds"
    shutil.copytree(REPO / "seeds", target)
    return target

"""Where the instance folder is: never inside site-packages when the package is installed with pip."""

from pathlib import Path

from trainer.config import instance_path, is_checkout


def test_an_explicit_folder_wins(tmp_path):
    assert instance_path({"TRAINER_INSTANCE": str(tmp_path / "data")}) == (tmp_path / "data").resolve()


def test_a_source_checkout_keeps_its_instance_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'trainer'\n")
    package = tmp_path / "trainer"
    package.mkdir()
    assert is_checkout(tmp_path)
    assert instance_path({}, package_dir=package) == tmp_path / "instance"


def test_an_installed_package_uses_a_folder_of_its_installation(tmp_path):
    site = tmp_path / "venv" / "lib" / "python3.12" / "site-packages"
    (site / "trainer").mkdir(parents=True)
    (site / "pyproject.toml").write_text("")  # even a stray file there does not make it a checkout
    found = instance_path({}, package_dir=site / "trainer", prefix=str(tmp_path / "venv"))
    assert found == (tmp_path / "venv").resolve() / "var" / "trainer-instance"
    assert "site-packages" not in found.parts


def test_this_checkout_and_the_app_agree(app):
    assert Path(app.instance_path) == instance_path()

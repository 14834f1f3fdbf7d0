"""The ``trainer`` command: Flask's CLI plus the commands each feature adds to ``app.cli`` in its ``init_app``
(``trainer bench …`` is the group in :mod:`trainer.features`)."""

import click
from flask.cli import FlaskGroup

from trainer import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def cli():
    """培训平台命令行 / Service-conduct training platform."""


def main():
    cli(prog_name="trainer")

"""role-play rubrics with intents; what became of a trainer's disagreement with a verdict

Revision ID: 0002b
Revises: 0002
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002b'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # The whole rubric of a turn (standard phrases, intents with their wordings and patterns, forbidden
    # phrases) as imported; turns imported before this keep scoring from expect_json/forbid_json.
    with op.batch_alter_table('scenario_turn') as batch:
        batch.add_column(sa.Column('rubric_json', sa.Text(), nullable=True))
    with op.batch_alter_table('roleplay_attempt') as batch:
        batch.add_column(sa.Column('case_outcome', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('case_closed_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('case_closed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('roleplay_attempt') as batch:
        batch.drop_column('case_closed_at')
        batch.drop_column('case_closed_by_id')
        batch.drop_column('case_outcome')
    with op.batch_alter_table('scenario_turn') as batch:
        batch.drop_column('rubric_json')

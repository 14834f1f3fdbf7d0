"""branching role-play dialogues: turn ids, branches, customer moods and line variants; where a session ended

Revision ID: 0002c
Revises: 0002b
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002c'
down_revision = '0002b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scenario') as batch:
        batch.add_column(sa.Column('initial_mood', sa.String(length=10), nullable=False, server_default='平静'))
    with op.batch_alter_table('scenario_turn') as batch:
        batch.add_column(sa.Column('turn_key', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('branches_json', sa.Text(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('variants_json', sa.Text(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('default_next', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('is_end', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Turns imported before this: linear, keyed by position (the next import writes the same values).
    op.execute("UPDATE scenario_turn SET turn_key = 't' || position")
    op.execute(
        "UPDATE scenario_turn SET default_next = 't' || (position + 1) WHERE position < "
        "(SELECT MAX(other.position) FROM scenario_turn other WHERE other.scenario_id = scenario_turn.scenario_id)"
    )
    with op.batch_alter_table('roleplay_session') as batch:
        batch.add_column(sa.Column('ending', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('recovered', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('roleplay_session') as batch:
        batch.drop_column('recovered')
        batch.drop_column('ending')
    with op.batch_alter_table('scenario_turn') as batch:
        for column in ('is_end', 'default_next', 'variants_json', 'branches_json', 'turn_key'):
            batch.drop_column(column)
    with op.batch_alter_table('scenario') as batch:
        batch.drop_column('initial_mood')

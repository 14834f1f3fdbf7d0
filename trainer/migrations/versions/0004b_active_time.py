"""active learning time: per-day time on task, the reading clock, evidence columns on module credits

Revision ID: 0004b_active_time
Revises: 0004
Create Date: 2026-12-03 09:00:00

Extends the records chain (0004 created ``hours_entry``, which this revision adds columns to). Every existing
row is kept: the new columns are NULL on entries written before active time was required, which the pages
show as "credited before the rule" rather than as zero minutes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004b_active_time'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_key', sa.String(length=80), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_activity_day_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_day')),
    sa.UniqueConstraint('user_id', 'kind', 'subject_key', 'day', name='uq_activity_day_user_kind_subject_day')
    )
    op.create_index('ix_activity_day_day_user', 'activity_day', ['day', 'user_id', 'kind', 'category', 'seconds'],
                    unique=False)
    op.create_table('activity_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_activity_clock_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_clock')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_activity_clock_user_kind')
    )
    # Plain ADD COLUMN (nullable, no default): no table copy on SQLite, no rewrite on PostgreSQL.
    op.add_column('hours_entry', sa.Column('active_minutes', sa.Integer(), nullable=True))
    op.add_column('hours_entry', sa.Column('active_from', sa.Date(), nullable=True))
    op.add_column('hours_entry', sa.Column('active_to', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('hours_entry', schema=None) as batch_op:
        batch_op.drop_column('active_to')
        batch_op.drop_column('active_from')
        batch_op.drop_column('active_minutes')
    op.drop_table('activity_clock')
    op.drop_index('ix_activity_day_day_user', table_name='activity_day')
    op.drop_table('activity_day')

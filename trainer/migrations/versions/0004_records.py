"""records and certification: hours ledger, classroom sessions, qualifications, grants, evidence

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hours_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=80), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_hours_entry_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_hours_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_entry')),
    sa.UniqueConstraint('user_id', 'year', 'dedupe_key', name='uq_hours_entry_user_year_dedupe')
    )
    with op.batch_alter_table('hours_entry', schema=None) as batch_op:
        batch_op.create_index('ix_hours_entry_year_user', ['year', 'user_id', 'category', 'minutes'], unique=False)

    op.create_table('classroom_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_classroom_session_created_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_classroom_session_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classroom_session'))
    )
    with op.batch_alter_table('classroom_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classroom_session_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_classroom_session_unit_id'), ['unit_id'], unique=False)

    op.create_table('qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('positions_json', sa.Text(), nullable=False),
    sa.Column('module_keys_json', sa.Text(), nullable=False),
    sa.Column('exam_key', sa.String(length=80), nullable=True),
    sa.Column('exam_pass_percent', sa.Integer(), nullable=False),
    sa.Column('scenario_keys_json', sa.Text(), nullable=False),
    sa.Column('scenario_min_score', sa.Integer(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification')),
    sa.UniqueConstraint('key', name=op.f('uq_qualification_key'))
    )
    op.create_table('qualification_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_qualification_grant_granted_by_id_user')),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_qualification_grant_qualification_id_qualification')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_qualification_grant_revoked_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_qualification_grant_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification_grant')),
    sa.UniqueConstraint('code', name=op.f('uq_qualification_grant_code'))
    )
    with op.batch_alter_table('qualification_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualification_grant_qualification_id'), ['qualification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qualification_grant_user_id'), ['user_id'], unique=False)

    op.create_table('qualification_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('best_score', sa.Integer(), nullable=True),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_qualification_evidence_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification_evidence')),
    sa.UniqueConstraint('user_id', 'kind', 'key', name='uq_qualification_evidence_user_kind_key')
    )


def downgrade():
    op.drop_table('qualification_evidence')
    with op.batch_alter_table('qualification_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualification_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_qualification_grant_qualification_id'))
    op.drop_table('qualification_grant')
    op.drop_table('qualification')
    with op.batch_alter_table('classroom_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classroom_session_unit_id'))
        batch_op.drop_index(batch_op.f('ix_classroom_session_held_on'))
    op.drop_table('classroom_session')
    with op.batch_alter_table('hours_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_hours_entry_year_user')
    op.drop_table('hours_entry')

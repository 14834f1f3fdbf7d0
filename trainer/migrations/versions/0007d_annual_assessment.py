"""annual assessment: standards from content files, one report per team and year, item scores

Revision ID: 0007d_annual_assessment
Revises: 0001
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007d_annual_assessment'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('definition_json', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_standard')),
    sa.UniqueConstraint('key', name=op.f('uq_assessment_standard_key'))
    )
    with op.batch_alter_table('assessment_standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_standard_year'), ['year'], unique=False)

    op.create_table('team_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('standard_key', sa.String(length=80), nullable=False),
    sa.Column('standard_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('total', sa.Float(), nullable=True),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_team_assessment_unit_id_unit')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_team_assessment_submitted_by_id_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_team_assessment_reviewed_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_team_assessment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_assessment')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_team_assessment_unit_year')
    )
    with op.batch_alter_table('team_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_assessment_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_assessment_year'), ['year'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_assessment_status'), ['status'], unique=False)

    op.create_table('assessment_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=80), nullable=False),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('measured_json', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['team_assessment.id'], name=op.f('fk_assessment_score_assessment_id_team_assessment')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_assessment_score_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_score')),
    sa.UniqueConstraint('assessment_id', 'item_key', name='uq_assessment_score_item')
    )
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_score_assessment_id'), ['assessment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_score_assessment_id'))
    op.drop_table('assessment_score')
    with op.batch_alter_table('team_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_team_assessment_year'))
        batch_op.drop_index(batch_op.f('ix_team_assessment_unit_id'))
    op.drop_table('team_assessment')
    with op.batch_alter_table('assessment_standard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_standard_year'))
    op.drop_table('assessment_standard')

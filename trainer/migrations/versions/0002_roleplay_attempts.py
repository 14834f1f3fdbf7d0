"""role-play practice: sessions and recorded attempts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roleplay_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('passed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], name=op.f('fk_roleplay_session_scenario_id_scenario')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_roleplay_session_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_session'))
    )
    with op.batch_alter_table('roleplay_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_session_scenario_id'), ['scenario_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_session_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_session_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_session_user_id'), ['user_id'], unique=False)

    op.create_table('roleplay_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('audio_name', sa.String(length=80), nullable=True),
    sa.Column('audio_bytes', sa.Integer(), nullable=False),
    sa.Column('audio_seconds', sa.Double(), nullable=True),
    sa.Column('response_delay_seconds', sa.Double(), nullable=True),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('items_json', sa.Text(), nullable=False),
    sa.Column('forbidden_json', sa.Text(), nullable=False),
    sa.Column('feedback_json', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('chars_per_second', sa.Double(), nullable=True),
    sa.Column('engine', sa.String(length=40), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('asr_seconds', sa.Double(), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('message', sa.String(length=200), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('tried_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=True),
    sa.Column('override_score', sa.Integer(), nullable=True),
    sa.Column('override_passed', sa.Boolean(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('overridden_by_id', sa.Integer(), nullable=True),
    sa.Column('overridden_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['overridden_by_id'], ['user.id'], name=op.f('fk_roleplay_attempt_overridden_by_id_user')),
    sa.ForeignKeyConstraint(['session_id'], ['roleplay_session.id'], name=op.f('fk_roleplay_attempt_session_id_roleplay_session')),
    sa.ForeignKeyConstraint(['turn_id'], ['scenario_turn.id'], name=op.f('fk_roleplay_attempt_turn_id_scenario_turn')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_roleplay_attempt_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_attempt'))
    )
    with op.batch_alter_table('roleplay_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_attempt_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_attempt_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_attempt_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_attempt_turn_id'), ['turn_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_attempt_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roleplay_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_attempt_user_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_attempt_turn_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_attempt_status'))
        batch_op.drop_index(batch_op.f('ix_roleplay_attempt_session_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_attempt_created_at'))

    op.drop_table('roleplay_attempt')
    with op.batch_alter_table('roleplay_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_session_status'))
        batch_op.drop_index(batch_op.f('ix_roleplay_session_started_at'))
        batch_op.drop_index(batch_op.f('ix_roleplay_session_scenario_id'))

    op.drop_table('roleplay_session')

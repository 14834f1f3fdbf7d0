"""group robots: one 企业微信 / 钉钉 webhook per unit, and the outbox of their messages

Revision ID: 0008_group_robots
Revises: 0001
Create Date: 2026-12-10 09:00:00

A new feature's own branch from the foundation (it needs only ``unit``), like the other features.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_group_robots'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_robot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_status', sa.String(length=10), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_robot_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_robot')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_unit_robot_unit_id'))
    )
    op.create_table('robot_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('robot_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['robot_id'], ['unit_robot.id'], name=op.f('fk_robot_message_robot_id_unit_robot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_message'))
    )
    with op.batch_alter_table('robot_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_robot_message_robot_id'), ['robot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_robot_message_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('robot_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_robot_message_state'))
        batch_op.drop_index(batch_op.f('ix_robot_message_robot_id'))
    op.drop_table('robot_message')
    op.drop_table('unit_robot')

"""learning paths and assignments: paths, steps, assignments, targets, members, completions, notices

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_days', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_assignment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_item_key'), ['item_key'], unique=False)

    op.create_table('assignment_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assignment_completion_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_completion')),
    sa.UniqueConstraint('user_id', 'kind', 'key', name=op.f('uq_assignment_completion_user_id'))
    )
    with op.batch_alter_table('assignment_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_completion_user_id'), ['user_id'], unique=False)

    op.create_table('learning_path',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_learning_path_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_path')),
    sa.UniqueConstraint('key', name=op.f('uq_learning_path_key'))
    )
    op.create_table('notice_email',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_email_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notice_email'))
    )
    op.create_table('assignment_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_member_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assignment_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_member')),
    sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_assignment_member_assignment_id'))
    )
    with op.batch_alter_table('assignment_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_member_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_member_user_id'), ['user_id'], unique=False)

    op.create_table('assignment_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_target_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assignment_target_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assignment_target_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_target'))
    )
    with op.batch_alter_table('assignment_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_target_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_target_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_target_user_id'), ['user_id'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('email_state', sa.String(length=10), nullable=False),
    sa.Column('email_error', sa.String(length=300), nullable=False),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_notice_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('assignment_id', 'user_id', 'kind', name=op.f('uq_notice_assignment_id'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_user_id'), ['user_id'], unique=False)

    op.create_table('path_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('after_json', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['path_id'], ['learning_path.id'], name=op.f('fk_path_step_path_id_learning_path')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_step')),
    sa.UniqueConstraint('path_id', 'key', name=op.f('uq_path_step_path_id'))
    )
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_path_step_path_id'), ['path_id'], unique=False)


def downgrade():
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_path_step_path_id'))

    op.drop_table('path_step')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_user_id'))
        batch_op.drop_index(batch_op.f('ix_notice_assignment_id'))

    op.drop_table('notice')
    with op.batch_alter_table('assignment_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_target_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_target_assignment_id'))

    op.drop_table('assignment_target')
    with op.batch_alter_table('assignment_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_member_assignment_id'))

    op.drop_table('assignment_member')
    op.drop_table('notice_email')
    op.drop_table('learning_path')
    with op.batch_alter_table('assignment_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_completion_user_id'))

    op.drop_table('assignment_completion')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_item_key'))
        batch_op.drop_index(batch_op.f('ix_assignment_created_by_id'))

    op.drop_table('assignment')

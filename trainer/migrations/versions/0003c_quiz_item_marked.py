"""quiz items remember "marked for review" (the exam 答题卡), so a reload keeps the mark

Revision ID: 0003c_quiz_item_marked
Revises: 0003b
Create Date: 2027-01-10 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003c_quiz_item_marked'
down_revision = '0003b'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with a server default (no batch copy: question and attempt rows reference the table).
    op.add_column('quiz_item', sa.Column('marked', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('quiz_item', schema=None) as batch_op:
        batch_op.drop_column('marked')

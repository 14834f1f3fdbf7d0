"""quiz integrity: attempt items keep the question as drawn; trainer banks record owner and unit

Revision ID: 0003b
Revises: 0003
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003b'
down_revision = '0003'
branch_labels = None
depends_on = None

SNAPSHOT = ('type', 'stem', 'options_json', 'answer_json')


def upgrade():
    # ADD COLUMN … REFERENCES, not a batch: on SQLite a batch copies and drops the table, which the
    # foreign keys of its questions forbid once there are rows (and SQLite takes a column's foreign key
    # only in the ADD COLUMN itself).
    for column, target in (('created_by_id', 'user'), ('unit_id', 'unit')):
        name = f'fk_question_bank_{column}_{target}'
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE question_bank ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES "{target}" (id)')
        else:
            op.add_column('question_bank', sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), 'question_bank', target, [column], ['id'])
    op.create_index(op.f('ix_question_bank_unit_id'), 'question_bank', ['unit_id'], unique=False)
    # A trainer bank's owner is whoever imported it first (the audit log has every import); banks with no
    # such record stay ownerless, which only an admin may change.
    op.execute("""
        UPDATE question_bank SET created_by_id = (
            SELECT audit_event.actor_id FROM audit_event
            WHERE audit_event.action = 'bank.import' AND audit_event.target = question_bank.key
            ORDER BY audit_event.id LIMIT 1)
        WHERE origin = 'trainer'
    """)
    op.execute("""
        UPDATE question_bank SET unit_id = (SELECT "user".unit_id FROM "user" WHERE "user".id = question_bank.created_by_id)
        WHERE created_by_id IS NOT NULL
    """)

    with op.batch_alter_table('quiz_item') as batch:
        batch.add_column(sa.Column('type', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('stem', sa.Text(), nullable=True))
        batch.add_column(sa.Column('options_json', sa.Text(), nullable=True))
        batch.add_column(sa.Column('answer_json', sa.Text(), nullable=True))
    # Attempts made before this keep the question as it is now: the best record of what was drawn.
    for column in SNAPSHOT:
        op.execute(f"UPDATE quiz_item SET {column} = (SELECT question.{column} FROM question WHERE question.id = quiz_item.question_id)")
    with op.batch_alter_table('quiz_item') as batch:
        batch.alter_column('type', existing_type=sa.String(length=20), nullable=False)
        for column in SNAPSHOT[1:]:
            batch.alter_column(column, existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table('quiz_item') as batch:
        for column in reversed(SNAPSHOT):
            batch.drop_column(column)
    op.drop_index(op.f('ix_question_bank_unit_id'), table_name='question_bank')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's foreign key with the column
        op.drop_constraint(op.f('fk_question_bank_unit_id_unit'), 'question_bank', type_='foreignkey')
        op.drop_constraint(op.f('fk_question_bank_created_by_id_user'), 'question_bank', type_='foreignkey')
    op.drop_column('question_bank', 'unit_id')
    op.drop_column('question_bank', 'created_by_id')

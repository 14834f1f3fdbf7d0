"""courses: a course's audience and a module's sources and scenarios as JSON columns instead of JSON text

Revision ID: 0001b_course_json
Revises: 0001
Create Date: 2026-11-30 09:40:00

Every row is kept, values unchanged. PostgreSQL converts the text in place (``USING column::json``; the text
was always written by ``json.dumps``). SQLite has no JSON storage type: SQLAlchemy's JSON reads and writes the
same text there, so its columns stay as they are (a copy-and-rename of ``course`` and ``module``, which much of
the schema refers to, would buy nothing and risk the rows that point at them).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0001b_course_json'
down_revision = '0001'
branch_labels = None
depends_on = None

COLUMNS = (('course', 'audience_json'), ('module', 'sources_json'), ('module', 'scenario_keys_json'))


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, existing_type=sa.Text(), type_=sa.JSON(), postgresql_using=f'{column}::json',
                        existing_nullable=False)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, existing_type=sa.JSON(), type_=sa.Text(), postgresql_using=f'{column}::text',
                        existing_nullable=False)

"""qualifications: the position, module and scenario lists as JSON columns instead of JSON text

Revision ID: 0004d_qualification_json
Revises: 0004c_activity_year
Create Date: 2026-11-30 09:30:00

Every row is kept, values unchanged. PostgreSQL converts the text in place (``USING column::json``; the text
was always written by ``json.dumps``). SQLite has no JSON storage type: SQLAlchemy's JSON reads and writes the
same text there, so its columns stay as they are (a copy-and-rename of ``qualification``, which grants and
evidence refer to, would buy nothing and risk the rows that point at it).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004d_qualification_json'
down_revision = '0004c_activity_year'
branch_labels = None
depends_on = None

COLUMNS = ('positions_json', 'module_keys_json', 'scenario_keys_json')


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for column in COLUMNS:
        op.alter_column('qualification', column, existing_type=sa.Text(), type_=sa.JSON(),
                        postgresql_using=f'{column}::json', existing_nullable=False)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for column in COLUMNS:
        op.alter_column('qualification', column, existing_type=sa.JSON(), type_=sa.Text(),
                        postgresql_using=f'{column}::text', existing_nullable=False)

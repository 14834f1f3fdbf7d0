"""auth: sessions that end on logout, revocable API tokens, login addresses (replaces login_throttle)

Revision ID: 0006_auth
Revises: 0001
Create Date: 2026-11-30 08:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_auth'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), nullable=True))
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(user.update().where(user.c.id == user_id).values(session_token=secrets.token_hex(16)))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=32), nullable=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoke_reason', sa.String(length=40), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_api_token_revoked_by_id_user'), 'user', ['revoked_by_id'], ['id'])

    op.create_table('login_address',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('last_success_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_address_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_login_address'))
    )
    # Failed-login counting moved to the rate limiter's storage (memory or Redis): the per-name row here
    # was the unique-constraint race behind the 500s under parallel wrong passwords.
    op.drop_table('login_throttle')


def downgrade():
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttle'))
    )
    op.drop_table('login_address')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_token_revoked_by_id_user'), type_='foreignkey')
        batch_op.drop_column('revoke_reason')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')

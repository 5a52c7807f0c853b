"""Stage capacity and load percentage, for load-oriented release.

Both nullable: a stage without them is not load-limited. Existing stages stay without; the
administrator sets them on the stage form (new installations get the defaults' values).
CHECK constraints keep both-or-neither and the ranges the release maths needs.

Revision ID: fd3866a30512
Revises: 78f0c689c68f
Create Date: 2026-12-03 19:05:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fd3866a30512'
down_revision = '78f0c689c68f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('load_percent', sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_stage_capacity_pair'), '(capacity IS NULL) = (load_percent IS NULL)'
        )
        batch_op.create_check_constraint(
            op.f('ck_stage_capacity_min'), 'capacity IS NULL OR capacity >= 0'
        )
        batch_op.create_check_constraint(
            op.f('ck_stage_load_percent_min'), 'load_percent IS NULL OR load_percent >= 100'
        )


def downgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_stage_load_percent_min'), type_='check')
        batch_op.drop_constraint(op.f('ck_stage_capacity_min'), type_='check')
        batch_op.drop_constraint(op.f('ck_stage_capacity_pair'), type_='check')
        batch_op.drop_column('load_percent')
        batch_op.drop_column('capacity')

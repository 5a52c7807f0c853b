"""Stage visits and each candidate's furthest stage, built from the stage history.

Both are projections of stage_event (which stays the record): existing histories are
replayed into them here, and the services keep them in step with every new event.

Revision ID: 78f0c689c68f
Revises: ee735ebee2b5
Create Date: 2026-12-03 17:47:17.210925

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '78f0c689c68f'
down_revision = 'ee735ebee2b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stage_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('created', 'go', 'kill', 'hold', 'resume', 'recycle', name='visit_outcome', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('dwell_days', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_stage_visit_candidate_id_candidate'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_stage_visit_stage_id_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_visit'))
    )
    with op.batch_alter_table('stage_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_visit_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_stage_visit_left_at', ['left_at'], unique=False)
        batch_op.create_index('ix_stage_visit_stage_entered', ['stage_id', 'entered_at'], unique=False)
        batch_op.create_index('ix_stage_visit_stage_left', ['stage_id', 'left_at', 'dwell_days', 'outcome'], unique=False)

    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('furthest_stage_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_candidate_funnel_created', ['funnel_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_candidate_furthest_stage_id_stage'), 'stage', ['furthest_stage_id'], ['id'], ondelete='RESTRICT')

    _backfill()


VISITS = """
INSERT INTO stage_visit (candidate_id, stage_id, entered_at, left_at, outcome)
SELECT candidate_id, to_stage_id, at, left_at, left_kind
FROM (
    SELECT candidate_id, to_stage_id, kind, at,
           LEAD(at) OVER (PARTITION BY candidate_id ORDER BY at, id) AS left_at,
           LEAD(kind) OVER (PARTITION BY candidate_id ORDER BY at, id) AS left_kind
    FROM stage_event
    WHERE kind IN ('created', 'go', 'recycle', 'kill')
) AS moves
WHERE kind IN ('created', 'go', 'recycle')
"""

DWELL = {
    "sqlite": "julianday(left_at) - julianday(entered_at)",
    "postgresql": "EXTRACT(EPOCH FROM (left_at - entered_at)) / 86400.0",
}

FURTHEST = """
UPDATE candidate SET furthest_stage_id = (
    SELECT stage_visit.stage_id FROM stage_visit JOIN stage ON stage.id = stage_visit.stage_id
    WHERE stage_visit.candidate_id = candidate.id
    ORDER BY stage.position DESC LIMIT 1
)
"""


def _backfill():
    """Replay the history (the same rule as portfolio.visits.stays)."""
    op.execute(VISITS)
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE stage_visit SET dwell_days = {DWELL[dialect]} WHERE left_at IS NOT NULL")
    op.execute(FURTHEST)



def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_candidate_furthest_stage_id_stage'), type_='foreignkey')
        batch_op.drop_index('ix_candidate_funnel_created')
        batch_op.drop_column('furthest_stage_id')

    with op.batch_alter_table('stage_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_visit_stage_left')
        batch_op.drop_index('ix_stage_visit_stage_entered')
        batch_op.drop_index('ix_stage_visit_left_at')
        batch_op.drop_index(batch_op.f('ix_stage_visit_candidate_id'))

    op.drop_table('stage_visit')

"""Decision funnel: funnels, stages, gate criteria, candidates, reviews, stage history.

stage_event is append-only: triggers refuse UPDATE and DELETE on both engines.

Revision ID: 3354498544b0
Revises: bed4e6c0860a
Create Date: 2026-12-03 16:25:18.605746

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3354498544b0'
down_revision = 'bed4e6c0860a'
branch_labels = None
depends_on = None


APPEND_ONLY_MESSAGE = "stage_event is append-only"


def _create_append_only_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER stage_event_no_{action.lower()} BEFORE {action} ON stage_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION stage_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER stage_event_append_only BEFORE UPDATE OR DELETE ON stage_event "
        "FOR EACH ROW EXECUTE FUNCTION stage_event_append_only()"
    )


def _drop_append_only_triggers():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS stage_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS stage_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS stage_event_append_only ON stage_event")
    op.execute("DROP FUNCTION IF EXISTS stage_event_append_only()")


def upgrade():
    op.create_table('funnel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funnel')),
    sa.UniqueConstraint('key', name=op.f('uq_funnel_key'))
    )
    op.create_table('stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funnel_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('wip_limit', sa.Integer(), nullable=True),
    sa.Column('target_dwell_days', sa.Integer(), nullable=True),
    sa.Column('entry_checklist', sa.Text(), nullable=False),
    sa.Column('responsible_role', sa.Enum('admin', 'pmo', 'executive', 'viewer', name='stage_role', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['funnel_id'], ['funnel.id'], name=op.f('fk_stage_funnel_id_funnel'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage')),
    sa.UniqueConstraint('funnel_id', 'key', name=op.f('uq_stage_funnel_id'))
    )
    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funnel_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'on_hold', 'killed', 'approved', name='candidate_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('project', 'idea', name='candidate_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('sponsor', sa.String(length=120), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('estimated_cost', sa.BigInteger(), nullable=True),
    sa.Column('expected_value', sa.BigInteger(), nullable=True),
    sa.Column('p_technical', sa.Float(), nullable=True),
    sa.Column('p_commercial', sa.Float(), nullable=True),
    sa.Column('probability_override', sa.Float(), nullable=True),
    sa.Column('expected_decision_date', sa.Date(), nullable=True),
    sa.Column('risk_level', sa.Enum('low', 'medium', 'high', name='risk_level', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('tags', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['funnel_id'], ['funnel.id'], name=op.f('fk_candidate_funnel_id_funnel'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_candidate_org_unit_id_org_unit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_candidate_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_candidate_stage_id_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate'))
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_funnel_stage_status', ['funnel_id', 'stage_id', 'status'], unique=False)
        batch_op.create_index('ix_candidate_updated_at', ['updated_at'], unique=False)
        batch_op.create_index('ix_candidate_stage_entered', ['stage_id', 'stage_entered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_theme'), ['theme'], unique=False)

    op.create_table('gate_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('name_zh', sa.String(length=160), nullable=True),
    sa.Column('kind', sa.Enum('must', 'should', name='criterion_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('guidance_zh', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_gate_criterion_stage_id_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_criterion')),
    sa.UniqueConstraint('stage_id', 'key', name=op.f('uq_gate_criterion_stage_id'))
    )
    op.create_table('gate_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'decided', 'cancelled', name='review_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('go_threshold', sa.Float(), nullable=False),
    sa.Column('kill_threshold', sa.Float(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_gate_review_candidate_id_candidate'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_gate_review_opened_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_gate_review_stage_id_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_review'))
    )
    with op.batch_alter_table('gate_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_review_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('gate_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('scorer_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['gate_review.id'], name=op.f('fk_gate_score_review_id_gate_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scorer_id'], ['user_account.id'], name=op.f('fk_gate_score_scorer_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_score')),
    sa.UniqueConstraint('review_id', 'scorer_id', 'criterion_key', name=op.f('uq_gate_score_review_id'))
    )
    op.create_table('review_scorer',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['gate_review.id'], name=op.f('fk_review_scorer_review_id_gate_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_review_scorer_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('review_id', 'user_id', name=op.f('pk_review_scorer'))
    )
    op.create_table('stage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=True),
    sa.Column('to_stage_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('created', 'go', 'kill', 'hold', 'resume', 'recycle', name='event_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status_after', sa.Enum('active', 'on_hold', 'killed', 'approved', name='event_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_stage_event_actor_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_stage_event_candidate_id_candidate'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_stage_id'], ['stage.id'], name=op.f('fk_stage_event_from_stage_id_stage'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['review_id'], ['gate_review.id'], name=op.f('fk_stage_event_review_id_gate_review'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_stage_id'], ['stage.id'], name=op.f('fk_stage_event_to_stage_id_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_event'))
    )
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index('ix_stage_event_candidate_at', ['candidate_id', 'at'], unique=False)
        batch_op.create_index('ix_stage_event_to_stage_at', ['to_stage_id', 'at'], unique=False)

    _create_append_only_triggers()


def downgrade():
    _drop_append_only_triggers()
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_event_to_stage_at')
        batch_op.drop_index('ix_stage_event_candidate_at')

    op.drop_table('stage_event')
    op.drop_table('review_scorer')
    op.drop_table('gate_score')
    with op.batch_alter_table('gate_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_review_candidate_id'))

    op.drop_table('gate_review')
    op.drop_table('gate_criterion')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_theme'))
        batch_op.drop_index(batch_op.f('ix_candidate_status'))
        batch_op.drop_index(batch_op.f('ix_candidate_owner_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_org_unit_id'))
        batch_op.drop_index('ix_candidate_funnel_stage_status')
        batch_op.drop_index('ix_candidate_updated_at')
        batch_op.drop_index('ix_candidate_stage_entered')

    op.drop_table('candidate')
    op.drop_table('stage')
    op.drop_table('funnel')

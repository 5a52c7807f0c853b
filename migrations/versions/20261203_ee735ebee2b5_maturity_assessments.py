"""Maturity assessments: questionnaire versions, campaigns, respondents, answers, roadmap.

Revision ID: ee735ebee2b5
Revises: 3354498544b0
Create Date: 2026-12-03 17:07:14.464365

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ee735ebee2b5'
down_revision = '3354498544b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_questionnaire_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_questionnaire_key'))
    )
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('target_level', sa.Integer(), nullable=True),
    sa.Column('area_targets', sa.JSON(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='assessment_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_assessment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_assessment_org_unit_id_org_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_assessment_questionnaire_id_questionnaire'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_status'), ['status'], unique=False)

    op.create_table('respondent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('executive', 'line_manager', 'project_manager', 'team_member', name='respondent_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_respondent_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_respondent_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent')),
    sa.UniqueConstraint('assessment_id', 'user_id', name=op.f('uq_respondent_assessment_id'))
    )
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_user_id'), ['user_id'], unique=False)

    op.create_table('roadmap_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('gap', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'dropped', name='action_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_roadmap_action_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_roadmap_action_owner_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_action'))
    )
    with op.batch_alter_table('roadmap_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadmap_action_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Enum('claimed', 'documented', 'observed', name='evidence', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], name=op.f('fk_answer_respondent_id_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('respondent_id', 'question_id', name=op.f('uq_answer_respondent_id'))
    )


def downgrade():
    op.drop_table('answer')
    with op.batch_alter_table('roadmap_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadmap_action_assessment_id'))

    op.drop_table('roadmap_action')
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_user_id'))

    op.drop_table('respondent')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_assessment_org_unit_id'))

    op.drop_table('assessment')
    op.drop_table('questionnaire')

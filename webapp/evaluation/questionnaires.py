"""Questionnaires as data: every version that was ever answered stays here, so old answers still render.

A questionnaire is identified by ``(id, version)``. Change a questionnaire by adding a new
version to ``REGISTRY``; never edit or remove a version that families may have answered.
Only the newest version of each questionnaire takes new answers.

Question texts are English msgids (lazy gettext); the Dutch is in i18n/nl.po.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from flask_babel import lazy_gettext as _l

from webapp.plan.labels import GAS_LEVEL_LABELS
from webapp.plan.rules import GAS_LEVELS, GoalStatus

# Question kinds.
SCALE = "scale"        # a few ordered points, each with a word
GAS = "gas"            # Goal Attainment level -2 … +2 of one goal
YES_NO = "yes_no"
CHOICE = "choice"      # one of a few options
TEXT = "text"          # open text
PICTURE = "picture"    # a 3- or 5-point scale of faces, for young children
KINDS = (SCALE, GAS, YES_NO, CHOICE, TEXT, PICTURE)
CLOSED_KINDS = (SCALE, GAS, YES_NO, CHOICE, PICTURE)

TEXT_MAX_LENGTH = 2000
GOAL_KEY_SEPARATOR = ":"


@dataclass(frozen=True)
class Option:
    value: int | str
    label: object  # a lazy string, or plain text (the description of a GAS level)
    face: str | None = None  # picture scale: which face to draw
    description: str = ""    # GAS: what this level looks like for this goal


@dataclass(frozen=True)
class Question:
    """One question of a questionnaire. A ``per_goal`` question is asked once for every goal in scope."""

    key: str
    kind: str
    text: object
    options: tuple[Option, ...] = ()
    required: bool = True
    hint: object = None
    per_goal: bool = False
    # A per-goal GAS question asks this scale instead for a goal without five described levels.
    fallback: tuple[Option, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        if self.kind in CLOSED_KINDS and self.kind != GAS and not self.options:
            raise ValueError(f"question {self.key!r} needs options")
        if self.kind == PICTURE and len(self.options) not in (3, 5):
            raise ValueError("a picture scale has 3 or 5 points")
        if GOAL_KEY_SEPARATOR in self.key:
            raise ValueError("question keys may not contain ':'")


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: object
    intro: object
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        keys = [q.key for q in self.questions]
        if len(keys) != len(set(keys)):
            raise ValueError(f"questionnaire {self.id} v{self.version} repeats a question key")


@dataclass(frozen=True)
class GoalInScope:
    """A goal as it was when a questionnaire was answered (kept in the answer, so it renders later)."""

    id: str
    title: str
    gas: tuple[str, ...] | None = None  # the five level descriptions, -2 … +2

    def to_body(self) -> dict:
        return {"id": self.id, "title": self.title, "gas": list(self.gas) if self.gas else None}

    @classmethod
    def from_body(cls, body: dict) -> "GoalInScope":
        gas = body.get("gas")
        return cls(id=body["id"], title=body.get("title", ""), gas=tuple(gas) if gas else None)


@dataclass(frozen=True)
class AskedQuestion:
    """A question as it is put to one person: a per-goal question is bound to its goal."""

    key: str
    question: Question
    kind: str
    options: tuple[Option, ...]
    goal: GoalInScope | None = None

    @property
    def text(self):
        return self.question.text

    @property
    def required(self) -> bool:
        return self.question.required

    def option(self, value) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


def goal_key(question_key: str, goal_id: str) -> str:
    return f"{question_key}{GOAL_KEY_SEPARATOR}{goal_id}"


def ask(questionnaire: Questionnaire, goals: Iterable[GoalInScope]) -> list[AskedQuestion]:
    """The questions in order, each per-goal question once per goal."""
    goals = list(goals)
    asked: list[AskedQuestion] = []
    for question in questionnaire.questions:
        if not question.per_goal:
            asked.append(AskedQuestion(question.key, question, question.kind, question.options))
            continue
        for goal in goals:
            key = goal_key(question.key, goal.id)
            if question.kind == GAS and goal.gas:
                options = tuple(Option(level, GAS_LEVEL_LABELS[level], description=goal.gas[i])
                                for i, level in enumerate(GAS_LEVELS))
                asked.append(AskedQuestion(key, question, GAS, options, goal))
            elif question.kind == GAS:
                asked.append(AskedQuestion(key, question, SCALE, question.fallback, goal))
            else:
                asked.append(AskedQuestion(key, question, question.kind, question.options, goal))
    return asked


def goals_in_scope(plan, moment) -> list[GoalInScope]:
    """The goals a moment reviews; when it names none, the agreed goals and those in progress."""
    ids = moment.goals or [g.id for g in plan.goals if g.current.status in (GoalStatus.AGREED, GoalStatus.ACTIVE)]
    goals = [plan.goal(goal_id) for goal_id in ids]
    return [GoalInScope(g.id, g.current.title, g.current.gas) for g in goals if g is not None]


class UnknownQuestionnaire(LookupError):
    """No questionnaire with this id and version exists."""


@dataclass
class Registry:
    """All versions of all questionnaires; the newest version of each takes new answers."""

    questionnaires: Sequence[Questionnaire] = field(default_factory=tuple)

    def get(self, questionnaire_id: str, version: int) -> Questionnaire:
        for questionnaire in self.questionnaires:
            if questionnaire.id == questionnaire_id and questionnaire.version == version:
                return questionnaire
        raise UnknownQuestionnaire(f"{questionnaire_id} v{version}")

    def current(self, questionnaire_id: str) -> Questionnaire:
        versions = [q for q in self.questionnaires if q.id == questionnaire_id]
        if not versions:
            raise UnknownQuestionnaire(questionnaire_id)
        return max(versions, key=lambda q: q.version)

    def with_version(self, questionnaire: Questionnaire) -> "Registry":
        """A registry with one more version (how a questionnaire changes; also used in tests)."""
        try:
            self.get(questionnaire.id, questionnaire.version)
        except UnknownQuestionnaire:
            return Registry(tuple(self.questionnaires) + (questionnaire,))
        raise ValueError(f"{questionnaire.id} v{questionnaire.version} exists already; add a new version")


# -- shared answer scales ------------------------------------------------------------------

REACHED = (
    Option(1, _l("Not started yet")),
    Option(2, _l("A little")),
    Option(3, _l("Halfway")),
    Option(4, _l("Almost")),
    Option(5, _l("Fully reached")),
)
AGREE = (
    Option(1, _l("Not true at all")),
    Option(2, _l("Mostly not true")),
    Option(3, _l("Partly true")),
    Option(4, _l("Mostly true")),
    Option(5, _l("Completely true")),
)
HOW_MUCH = (
    Option(1, _l("Not at all")),
    Option(2, _l("A little")),
    Option(3, _l("Partly")),
    Option(4, _l("Mostly")),
    Option(5, _l("Completely")),
)
SATISFIED = (
    Option(1, _l("Very unhappy")),
    Option(2, _l("Unhappy")),
    Option(3, _l("In between")),
    Option(4, _l("Happy")),
    Option(5, _l("Very happy")),
)
YES_NO_OPTIONS = (Option("yes", _l("Yes")), Option("no", _l("No")))
FACES_3 = (
    Option(1, _l("not happy"), face="sad"),
    Option(2, _l("so-so"), face="neutral"),
    Option(3, _l("happy"), face="happy"),
)

# -- questions used in more than one questionnaire -------------------------------------------

PROBLEMS_SMALLER = Question(
    "problems_smaller", CHOICE, _l("Have the problems become smaller since the help started?"),
    options=(Option("much_smaller", _l("Yes, much smaller")), Option("bit_smaller", _l("Yes, a bit smaller")),
             Option("same", _l("No, they are the same")), Option("bigger", _l("No, they are bigger"))))
OWN_STRENGTH = Question(
    "own_strength", SCALE, _l("Do you feel that your family can manage on its own again?"),
    options=HOW_MUCH, hint=_l("Think of solving problems together, without help from outside."))
HEARD = Question("heard", SCALE, _l("The people who help us listen to me and take me seriously."),
                 options=AGREE)
INFORMATION = Question("information", SCALE, _l("I get clear information about the help and about the plan."),
                       options=AGREE)
FIT = Question("fit", SCALE, _l("The help at school and the help at home fit together well."), options=AGREE)
WENT_WELL = Question("went_well", TEXT, _l("What went well?"), required=False)

# -- the standard questionnaires ------------------------------------------------------------

REGULAR_V1 = Questionnaire(
    id="regular", version=1, title=_l("Evaluation of the plan"),
    intro=_l("There are no wrong answers. It takes about five minutes."),
    questions=(
        Question("progress", GAS, _l("How far is this goal reached now?"), per_goal=True, fallback=REACHED,
                 hint=_l("Choose what fits best today.")),
        PROBLEMS_SMALLER,
        OWN_STRENGTH,
        HEARD,
        INFORMATION,
        FIT,
        Question("knows_regisseur", YES_NO, _l("Do you know who the regisseur of the plan is?"),
                 options=YES_NO_OPTIONS),
        WENT_WELL,
        Question("change", TEXT, _l("What should change?"), required=False),
    ),
)

PICTURE_V1 = Questionnaire(
    id="picture", version=1, title=_l("Evaluation with pictures"),
    intro=_l("Do this together with the child. Read each question aloud and let the child choose a face."),
    questions=(
        Question("progress", PICTURE, _l("How is this going?"), per_goal=True, options=FACES_3),
        Question("help", PICTURE, _l("Do you like the help you get?"), options=FACES_3),
        Question("listened", PICTURE, _l("Do the grown-ups listen to you?"), options=FACES_3),
        Question("better", PICTURE, _l("Is it going better than before?"), options=FACES_3),
        Question("tell", TEXT, _l("Is there something you want to tell?"), required=False,
                 hint=_l("The parent writes down what the child says.")),
    ),
)

CLOSING_V1 = Questionnaire(
    id="closing", version=1, title=_l("Closing evaluation"),
    intro=_l("The help is coming to an end. Look back on how it went and what it brought."),
    questions=(
        Question("result", GAS, _l("What is the result for this goal?"), per_goal=True, fallback=REACHED),
        PROBLEMS_SMALLER,
        OWN_STRENGTH,
        Question("together", SCALE, _l("We made the plan together with the people who helped us."),
                 options=AGREE),
        HEARD,
        INFORMATION,
        FIT,
        Question("knew_regisseur", YES_NO, _l("Was it clear to you who the regisseur was during the help?"),
                 options=YES_NO_OPTIONS),
        Question("satisfied", SCALE, _l("All in all, how happy are you with the help?"), options=SATISFIED),
        Question("lasting", CHOICE, _l("Do you think the results will last?"),
                 options=(Option("yes", _l("Yes")), Option("partly", _l("Partly")), Option("no", _l("No")),
                          Option("unknown", _l("I don't know")))),
        WENT_WELL,
        Question("better", TEXT, _l("What could have gone better?"), required=False),
        Question("check_later", YES_NO, _l("Would you like someone to ask in a few months how things are going?"),
                 options=YES_NO_OPTIONS),
    ),
)

# -- the youth's own versions (12 and older): the same questions and answer values, so the answers
# of a youth and a parent can be put side by side, but written to the youth and about their own plan.

YOUTH_PROBLEMS_SMALLER = Question(
    "problems_smaller", CHOICE, _l("Are things going better for you since the help started?"),
    options=(Option("much_smaller", _l("Yes, much better")), Option("bit_smaller", _l("Yes, a bit better")),
             Option("same", _l("No, the same as before")), Option("bigger", _l("No, worse"))))
YOUTH_OWN_STRENGTH = Question(
    "own_strength", SCALE, _l("Do you feel you can handle more things yourself now?"),
    options=HOW_MUCH, hint=_l("Think of solving problems yourself, or with people around you."))
YOUTH_HEARD = Question("heard", SCALE, _l("The people who help me listen to me and take me seriously."),
                       options=AGREE)
YOUTH_INFORMATION = Question("information", SCALE, _l("I understand what is in my plan and why."),
                             options=AGREE)
YOUTH_FIT = Question("fit", SCALE, _l("The help at school and the help at home fit together well for me."),
                     options=AGREE)

YOUTH_V1 = Questionnaire(
    id="youth", version=1, title=_l("Your evaluation"),
    intro=_l("There are no wrong answers. Say what you really think. It takes about five minutes."),
    questions=(
        Question("progress", GAS, _l("How far are you with this goal now?"), per_goal=True, fallback=REACHED,
                 hint=_l("Choose what fits best today.")),
        YOUTH_PROBLEMS_SMALLER,
        YOUTH_OWN_STRENGTH,
        YOUTH_HEARD,
        YOUTH_INFORMATION,
        YOUTH_FIT,
        Question("knows_regisseur", YES_NO,
                 _l("Do you know who the regisseur of your plan is? That is the person who keeps track of all the help."),
                 options=YES_NO_OPTIONS),
        Question("went_well", TEXT, _l("What went well for you?"), required=False),
        Question("change", TEXT, _l("What should change, in your view?"), required=False),
    ),
)

YOUTH_CLOSING_V1 = Questionnaire(
    id="youth_closing", version=1, title=_l("Your closing evaluation"),
    intro=_l("Your help is coming to an end. Look back: how did it go, and what did it bring you?"),
    questions=(
        Question("result", GAS, _l("Where did you get with this goal?"), per_goal=True, fallback=REACHED),
        YOUTH_PROBLEMS_SMALLER,
        YOUTH_OWN_STRENGTH,
        Question("together", SCALE, _l("I had a say in my plan."), options=AGREE),
        YOUTH_HEARD,
        YOUTH_INFORMATION,
        YOUTH_FIT,
        Question("knew_regisseur", YES_NO, _l("Did you know who your regisseur was during the help?"),
                 options=YES_NO_OPTIONS),
        Question("satisfied", SCALE, _l("All in all, how happy are you with the help?"), options=SATISFIED),
        Question("lasting", CHOICE, _l("Do you think it will keep going well?"),
                 options=(Option("yes", _l("Yes")), Option("partly", _l("Partly")), Option("no", _l("No")),
                          Option("unknown", _l("I don't know")))),
        Question("went_well", TEXT, _l("What went well for you?"), required=False),
        Question("better", TEXT, _l("What could have gone better?"), required=False),
        Question("check_later", YES_NO, _l("Would you like someone to ask you in a few months how you are doing?"),
                 options=YES_NO_OPTIONS),
    ),
)

REGISTRY = Registry((REGULAR_V1, PICTURE_V1, CLOSING_V1, YOUTH_V1, YOUTH_CLOSING_V1))

"""四、工作开展: trainings and complaints."""

from reports.figures import SurveyFigures
from reports.sections.common import DocSection
from stats.formatting import count_text, format_measure, format_share
from stats.tables import Cell, Table

ACTIVITY_CODES = ("training_sessions", "trainees", "complaints_received", "complaints_resolved")


def _training_sentence(figures: SurveyFigures) -> str:
    sessions = figures.value("training_sessions")[0]
    trainees, trained_women = figures.value("trainees")
    about_sessions, about_trainees = figures.is_approximate("training_sessions"), figures.is_approximate("trainees")
    parts = []
    if sessions:
        parts.append(f"共举办各级各类培训班{format_measure(sessions, '场次', approximate=about_sessions)}")
    if trainees:
        text = f"培训{format_measure(trainees, '人次', approximate=about_trainees)}"
        if trained_women is not None:
            text += f"，其中女性{format_measure(trained_women, '人次', approximate=about_trainees)}"
        parts.append(text)
    return f"{figures.period.label}，" + "，".join(parts) + "。" if parts else ""


def _complaints_sentence(figures: SurveyFigures) -> str:
    received, resolved = figures.value("complaints_received")[0], figures.value("complaints_resolved")[0]
    if not received:
        return ""
    received_text = format_measure(received, "件", approximate=figures.is_approximate("complaints_received"))
    if resolved is not None and resolved == received:
        return f"共受理维权投诉{received_text}，均已办结，办结率100%。"
    if resolved is not None:
        resolved_text = format_measure(resolved, "件", approximate=figures.is_approximate("complaints_resolved"))
        return f"共受理维权投诉{received_text}，已办结{resolved_text}，办结率{format_share(resolved, received)}。"
    return f"共受理维权投诉{received_text}。"


def activity_sentences(figures: SurveyFigures) -> list[str]:
    return [s for s in (_training_sentence(figures), _complaints_sentence(figures)) if s]


def activity_table(figures: SurveyFigures) -> Table:
    rows = []
    for code in ACTIVITY_CODES:
        value = figures.values.get(code)
        if value:
            element, about = figures.element(code), figures.is_approximate(code)
            female = "—" if value[1] is None else count_text(value[1], element.measure, approximate=about)
            rows.append(
                [
                    Cell(element.name),
                    Cell(format_measure(value[0], element.measure, approximate=about)),
                    Cell(female),
                ]
            )
    received, resolved = figures.value("complaints_received")[0], figures.value("complaints_resolved")[0]
    if received and resolved is not None:
        rows.append([Cell("办结率"), Cell(format_share(resolved, received)), Cell("—")])
    return Table(["项目", "数量", "其中女性"], rows)


def section(figures: SurveyFigures) -> DocSection:
    sentences = activity_sentences(figures)
    made = DocSection("activities", "工作开展")
    made.say("work", "".join(sentences))
    if sentences:
        made.tables.append(("工作开展情况", activity_table(figures)))
    return made

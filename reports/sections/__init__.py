"""One module per generated section of a survey report; each makes its paragraphs, tables and charts
from the typed figures (reports.figures) alone, with no database access."""

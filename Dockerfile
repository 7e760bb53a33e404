FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# A Chinese font for the chart images in survey reports (.docx); without one the charts are left out.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are collected at build time with a throwaway key; the real key comes at run time.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 registry
USER registry
EXPOSE 8000

# Migrations run on every start; they are idempotent.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn registry.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --timeout 120 --access-logfile -"]

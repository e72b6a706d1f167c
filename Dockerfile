# Tandem: one image for web (gunicorn), worker (python -m worker) and migrate.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# WeasyPrint's libraries, Arabic-capable fonts, and curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY saas/__init__.py saas/__init__.py
COPY tenants/__init__.py tenants/__init__.py
COPY worker/__init__.py worker/__init__.py
RUN pip install .

# The source tree: saas.config.ROOT is /app, so templates/ and migrations/ are found here.
# PYTHONPATH=/app makes /app/saas win over the copy pip put in site-packages.
COPY . .
RUN useradd --system --uid 10001 --home-dir /app tandem \
 && mkdir -p /app/instance /app/uploads \
 && chown -R tandem:tandem /app/instance /app/uploads

USER tandem
EXPOSE 8000
CMD ["gunicorn", "-w", "3", "-b", "0.0.0.0:8000", "saas:create_app()"]

# Tandem: one image for web (gunicorn), worker (python -m worker) and migrate.
# Bookworm, like CI: scripts/system-packages is checked there (a fresh debootstrap chroot).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# WeasyPrint's libraries and Arabic-capable fonts (the runtime group of the one list the
# README and CI use), and curl for the health check. The preflight fails the build when
# the list no longer gives WeasyPrint what it loads.
COPY scripts/system-packages scripts/preflight.py scripts/
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(bash scripts/system-packages runtime) curl \
 && rm -rf /var/lib/apt/lists/* \
 && python scripts/preflight.py

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

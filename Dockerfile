# The service image (docs/deploy.md): `docker compose up` runs it as the app, the migration and
# the nightly scheduler. Two stages: the first installs the project and trains the text model
# (the same seed as `make setup`, so the artifact matches this install's scikit-learn); the
# final one holds the virtual environment only, without pip's caches, compilers or sources,
# and runs as an unprivileged user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first (a layer kept while only the code changes), then the project itself.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); print('\n'.join(d['project']['dependencies']))" > requirements.txt \
    && pip install -r requirements.txt
COPY matcher matcher
COPY api api
COPY data data
COPY models models
RUN pip install --no-deps .
# From outside /src: there the source tree would be imported, and the model written beside it.
WORKDIR /
RUN python -m matcher.train \
    && python -c "from matcher.assembly import trained_text_model; assert trained_text_model()[0] is not None"

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PLACEMENT_VAR_DIR=/srv/placement/var
RUN useradd --uid 10001 --user-group --no-log-init --shell /usr/sbin/nologin \
        --home-dir /srv/placement --create-home placement \
    && install -d -o placement -g placement -m 700 /srv/placement/var
COPY --from=build /opt/venv /opt/venv
COPY deploy/nightly.sh /usr/local/bin/placement-nightly
WORKDIR /srv/placement
USER placement
# The generated keys (JWT, audit checkpoints), an SQLite file if used, the O*NET store.
VOLUME ["/srv/placement/var"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4)"
CMD ["placement-api", "serve", "--host", "0.0.0.0", "--port", "8000"]

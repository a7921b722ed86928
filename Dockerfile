# newsgen in a container, for CI systems that run each job in an image (GitLab CI and others).
# docs/publishing.md says how to use it.
#
#   docker build -t newsgen .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/site" newsgen build
#
# The image has newsgen (built from this source tree as a wheel) and nothing else; it runs as the
# unprivileged user "newsgen" (uid 1000) in /site, and `newsgen` is its entrypoint: arguments are a command.
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m pip install --no-cache-dir --root-user-action=ignore "build==1.6.1" \
    && python -m build --wheel --outdir /dist

FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="newsgen" \
      org.opencontainers.image.description="A static news-site generator: Markdown articles in, a complete news site out." \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=wheel /dist/ /tmp/dist/
RUN python -m pip install --no-cache-dir --root-user-action=ignore /tmp/dist/newsgen-*.whl \
    && rm -rf /tmp/dist \
    && useradd --create-home --uid 1000 --user-group newsgen \
    && install -d -o newsgen -g newsgen /site
USER 1000:1000
WORKDIR /site
ENTRYPOINT ["newsgen"]
CMD ["--help"]

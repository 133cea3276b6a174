# The INNOPROM. Belarus bot: slim Python, non-root, dependencies before code, index built here.
#   docker build -t innoprom-bot .
#   docker run --rm -e BOT_TOKEN=... -e ADMIN_IDS=... -v innoprom-data:/app/data innoprom-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 bot

# 1. Dependencies only (this layer is reused until pyproject.toml changes).
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(deps))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# 2. The code and the seed articles.
COPY README.md ./
COPY knowledge ./knowledge
COPY bot ./bot
COPY seeds ./seeds
RUN pip install --no-deps . && rm -rf build *.egg-info

# 3. Where the bot reads and writes (the same variables as in .env.example).
ENV SEEDS_DIR=/app/seeds \
    INDEX_PATH=/app/data/index.db \
    STATE_PATH=/app/data/state.db \
    WEBHOOK_PORT=8080

# 4. The index, built at image build time (the same step as `innoprom-bot build`).
#    The bot user owns seeds/ and data/: /reload and uploads rewrite them.
RUN innoprom-bot build && chown -R bot:bot /app/seeds /app/data

USER bot
EXPOSE 8080
CMD ["python", "-m", "bot"]

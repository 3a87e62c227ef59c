-- wrk script: a non-streaming OpenAI chat completion request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-benchmark-not-a-key"
wrk.headers["X-TokenLens-Source"] = "bench"
wrk.body = '{"model":"gpt-5-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Explain prompt caching in one paragraph."}],"max_completion_tokens":600}'

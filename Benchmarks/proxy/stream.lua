-- wrk script: a streaming OpenAI chat completion request that asks for usage itself.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-benchmark-not-a-key"
wrk.headers["X-TokenLens-Source"] = "bench"
wrk.body = '{"model":"gpt-4.1-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Why is the sky blue?"}]}'

{{ results.payloads() }}

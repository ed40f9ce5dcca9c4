{{ results.payloads / 0 }}

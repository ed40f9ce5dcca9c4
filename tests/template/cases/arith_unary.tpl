{{ -results.payloads }} {{ +results.payloads }} {{ -(-3) }} {{ - 2.5 }} {{ -2 ** 2 }} {{ (-2) ** 2 }}

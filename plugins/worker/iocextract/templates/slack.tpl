{# iocextract's results as one compact Slack message (mrkdwn): a bold header per payload
   with its file name and sha1, then one line per indicator type: its count and the first
   `max_values` values in code spans.   stoq iocextract -F <file> -T slack.tpl #}
{% set max_values = 5 %}
{% set labels = {"ipv4": "IPv4", "ipv6": "IPv6", "domain": "Domains", "url": "URLs", "email": "E-mail",
                 "md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512", "mac_address": "MAC"} %}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("iocextract") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
*IOCExtract results* for `{{ result.filename if result.filename is defined else "payload" }}`{{ " (sha1 `" ~ result.sha1 ~ "`)" if result.sha1 is defined else "" }}
{% if worker_scan is not none and worker_scan %}
{% for type, values in worker_scan.items() if type != "stix" %}
{% set more = values|length - max_values %}
• *{{ labels.get(type, type) }}* ({{ values|length }}): `{{ values[:max_values]|join("` `") }}`{{ " and " ~ more ~ " more" if more > 0 else "" }}
{% endfor %}
{% else %}
_no indicators found_
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
:warning: `{{ error.plugin }}`: {{ error.error }}
{% endfor %}
{% endif %}

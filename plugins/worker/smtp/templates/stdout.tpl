{# The smtp worker's results as a human summary: per message, the envelope (SMTP
   sessions), the addresses, subject, date, the start of the text body and the
   attachments with their sizes and sha256.
   stoq smtp -F <message, mbox or session> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set body_chars = 400 %}
{% macro addresses(list) %}{% for a in list %}{{ ", " if not loop.first }}{{ (a.name ~ " <" ~ a.address ~ ">") if a.name else a.address }}{% endfor %}{% endmacro %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("smtp") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{% set m = worker_scan if worker_scan is not none and worker_scan is mapping else none %}
{{ result.filename if result.filename is defined else "(no filename)" }}{{ "  (message " ~ (m.message_index + 1) ~ " of " ~ m.messages ~ " in an " ~ m.container ~ ")" if m and m.message_index is defined and m.messages > 1 }}
{% if m %}
{% if m.envelope is defined %}
    HELO      {{ m.envelope.helo }}
    MAIL FROM {{ m.envelope.mail_from }}
    RCPT TO   {{ m.envelope.rcpt_to | join(", ") }}{{ "  (DATA not terminated)" if not m.envelope.complete }}
{% endif %}
{% for key, label in [("from", "From"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"), ("reply_to", "Reply-To")] %}
{% if m[key] is defined and m[key] %}
    {{ "%-9s" | format(label) }} {{ addresses(m[key]) }}
{% endif %}
{% endfor %}
{% if m.subject is defined %}
    Subject   {{ m.subject }}
{% endif %}
{% if m.date is defined %}
    Date      {{ m.date }}
{% endif %}
{% if m.message_id is defined %}
    Msg-ID    {{ m.message_id }}
{% endif %}
{% if m.body is defined and m.body %}
    Body      {{ m.body | length }} characters{{ ", HTML body " ~ (m.body_html | length) ~ " characters" if m.body_html }}
{% for line in (m.body | truncate(body_chars)).strip().splitlines() %}
              | {{ line }}
{% endfor %}
{% elif m.body_html is defined and m.body_html %}
    Body      HTML only, {{ m.body_html | length }} characters
{% endif %}
{% if m.att is defined and m.att %}
    Attached  {{ m.att | length }} file{{ "s" if m.att | length != 1 }}
{% for a in m.att %}
              {{ a.filename or "(no name)" }}  {{ a.type }}  {{ a.size }} bytes  sha256 {{ a.sha256 }}
{% endfor %}
{% endif %}
{% if m.defects is defined %}
    Defects   {{ m.defects | join("; ") }}
{% endif %}
{% if m.limits_reached is defined %}
    Limits    {{ m.limits_reached | join(", ") }} reached: results are partial
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}

{# The exif worker's results as a human summary: per payload, its format and size,
   then the common fields (exiftool's names) and how many keys each group holds.
   stoq exif -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("exif") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{% set m = worker_scan if worker_scan is not none and worker_scan is mapping else none %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if m %}
    {{ m.MIMEType if m.MIMEType is defined else m.format }}{{ ", " ~ m.ImageWidth ~ " x " ~ m.ImageHeight ~ " pixels" if m.ImageWidth is defined and m.ImageHeight is defined }}{{ "  (XMP packet found in the file)" if m.xmp_packet is defined }}
{% for key, value in m.items() %}
{% if key[0] is upper and key not in ["MIMEType", "ImageWidth", "ImageHeight"] %}
    {{ "%-24s" | format(key) }} {{ value | join(", ") if value is sequence and value is not string else value }}
{% endif %}
{% endfor %}
    groups                   {{ (m.exif | length) if m.exif is defined else 0 }} EXIF, {{ (m.iptc | length) if m.iptc is defined else 0 }} IPTC, {{ (m.xmp | length) if m.xmp is defined else 0 }} XMP keys
{% if m.truncated is defined %}
    truncated                {{ m.truncated | join("; ") }}
{% endif %}
{% if m.warnings is defined %}
    warnings                 {{ m.warnings | join("; ") }}
{% endif %}
{% else %}
    no metadata (a format exiv2 does not read, and no XMP packet)
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}

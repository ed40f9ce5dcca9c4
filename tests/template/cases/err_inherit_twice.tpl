{% extends "_partials/layout_base.tpl" %}{% extends "_partials/layout_mid.tpl" %}

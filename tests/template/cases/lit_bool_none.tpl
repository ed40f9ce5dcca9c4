{{ true }} {{ True }} {{ false }} {{ False }} {{ none }} {{ None }}
{{ true == True }} {{ none is none }}

"""Quarterly and half-year reports: facts in, DOCX and XLSX out.

`facts` holds the plain dataclasses the database side fills, `programs` turns them into a
`model.Report`, and `render.write_report` writes that report as a Word document and a
workbook. Nothing here touches the database or a chat channel.
"""

"""Views: pure functions from analysis results to a format-neutral :class:`~resnet_inspect.document.Document`.

Views take results (an Inspection, a depth account, a comparison), never model names, so one analysis
per model serves every view of a run.  Every sentence and label shown to a reader is written here.
"""

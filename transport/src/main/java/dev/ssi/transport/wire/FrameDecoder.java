package dev.ssi.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Bytes to frames. A length above the limit fails at once, before the body arrives; a
 * connection that ends inside a frame is reported as truncated.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private final int maxFrameLength;

    public FrameDecoder(int maxFrameLength) {
        super(maxFrameLength + FrameCodec.LENGTH_FIELD_SIZE, 0, FrameCodec.LENGTH_FIELD_SIZE, 0,
                FrameCodec.LENGTH_FIELD_SIZE, true);
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= FrameCodec.LENGTH_FIELD_SIZE) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > maxFrameLength) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException(
                        "frame length " + length + " exceeds the limit of " + maxFrameLength + " bytes");
            }
            if (length < FrameCodec.HEADER_SIZE) {
                in.skipBytes(in.readableBytes());
                throw new MalformedFrameException("frame length " + length + " is shorter than a frame header");
            }
        }
        ByteBuf body = (ByteBuf) super.decode(ctx, in);
        if (body == null) {
            return null;
        }
        try {
            return FrameCodec.decode(body);
        } finally {
            body.release();
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, java.util.List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            int pending = in.readableBytes();
            in.skipBytes(pending);
            ctx.fireExceptionCaught(new TruncatedFrameException(
                    "connection ended inside a frame (" + pending + " bytes of it received)"));
        }
    }
}
